#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include <ctnn/ctnn.hpp>

namespace {
struct moments { double mean, stddev, max_abs; };
moments measure(const std::vector<float>& v) {
  double s = 0, s2 = 0, m = 0;
  for (float x : v) { s += x; s2 += double(x) * x; m = std::max(m, std::abs(double(x))); }
  const double mean = s / v.size();
  return {mean, std::sqrt(s2 / v.size() - mean * mean), m};
}
}  // namespace

TEST_CASE("glorot_uniform: U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out))", "[initializer]") {
  std::vector<float> w(200 * 100);
  ctnn::detail::rng r(1);
  ctnn::init::glorot_uniform{}(std::span<float>(w), 200, 100, r);
  const double limit = std::sqrt(6.0 / 300);
  const auto m = measure(w);
  CHECK(m.max_abs <= limit);
  CHECK(m.max_abs > 0.99 * limit);
  CHECK(m.mean == Approx(0).margin(0.01 * limit));
  CHECK(m.stddev == Approx(limit / std::sqrt(3.0)).epsilon(0.02));
}

TEST_CASE("he_normal: truncated normal with standard deviation sqrt(2 / fan_in)", "[initializer]") {
  std::vector<float> w(100000);
  ctnn::detail::rng r(2);
  ctnn::init::he_normal{}(std::span<float>(w), 50, 10, r);
  const double stddev = std::sqrt(2.0 / 50);
  const auto m = measure(w);
  CHECK(m.stddev == Approx(stddev).epsilon(0.02));
  CHECK(m.max_abs <= 2 * stddev / 0.87962566103423978 + 1e-6);  // truncated at two (untruncated) sigmas
}

TEST_CASE("initializers: the same seed gives the same weights, another seed others", "[initializer]") {
  using net = ctnn::sequential<ctnn::input<8>, ctnn::dense<4, ctnn::relu>>;
  using m = ctnn::model<net, ctnn::loss::mean_squared_error, ctnn::optim::sgd>;
  m a({}, {}, {.seed = 5}), b({}, {}, {.seed = 5}), c({}, {}, {.seed = 6});
  CHECK(std::equal(a.parameters().begin(), a.parameters().end(), b.parameters().begin()));
  CHECK_FALSE(std::equal(a.parameters().begin(), a.parameters().end(), c.parameters().begin()));
  // Biases start at zero (Keras' default).
  for (float v : a.parameter<0, 1>()) CHECK(v == 0.0f);
}
