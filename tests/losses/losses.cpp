#include <catch2/catch.hpp>

#include <cmath>
#include <tuple>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "support/gradient_check.hpp"

namespace {

using losses = std::tuple<ctnn::loss::mean_squared_error, ctnn::loss::categorical_crossentropy,
                          ctnn::loss::sparse_categorical_crossentropy, ctnn::loss::binary_crossentropy>;

// Predictions strictly inside (0, 1) and labels of the kind each loss takes.
template <class L>
void make_case(std::vector<double>& p, std::vector<double>& y, std::size_t n, std::size_t w) {
  ctnn::detail::rng r(9);
  p.resize(n * w);
  for (auto& v : p) v = r.uniform(0.05, 0.95);
  if constexpr (std::is_same_v<L, ctnn::loss::sparse_categorical_crossentropy>) {
    y.resize(n);
    for (std::size_t i = 0; i < n; ++i) y[i] = static_cast<double>(i % w);
  } else if constexpr (std::is_same_v<L, ctnn::loss::categorical_crossentropy>) {
    y.assign(n * w, 0.0);
    for (std::size_t i = 0; i < n; ++i) y[i * w + (i * 7) % w] = 1.0;
  } else {
    y.resize(n * w);
    for (auto& v : y) v = r.uniform(0.0, 1.0);
  }
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("loss: gradient matches finite differences of the batch mean (double)", "[loss][gradient]", losses) {
  STATIC_REQUIRE(ctnn::loss_function<TestType>);
  const TestType loss{};
  const std::size_t n = 5, w = 4;
  std::vector<double> p, y, g(n * w);
  make_case<TestType>(p, y, n, w);
  loss.gradient(p.data(), y.data(), g.data(), n, w);
  const double h = 1e-7;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const double keep = p[i];
    p[i] = keep + h;
    const double up = loss.value(p.data(), y.data(), n, w) / n;
    p[i] = keep - h;
    const double down = loss.value(p.data(), y.data(), n, w) / n;
    p[i] = keep;
    CHECK(g[i] == Approx((up - down) / (2 * h)).epsilon(1e-5).margin(1e-9));
  }
}

TEMPLATE_LIST_TEST_CASE("loss: zero at the target", "[loss]", losses) {
  const TestType loss{};
  // One-hot targets predicted exactly (cross-entropies clip at epsilon = 1e-7).
  const std::vector<double> p{0, 1, 0, 1, 0, 0};
  const std::vector<double> y = std::is_same_v<TestType, ctnn::loss::sparse_categorical_crossentropy>
                                    ? std::vector<double>{1, 0}
                                    : p;
  CHECK(loss.value(p.data(), y.data(), 2, 3) == Approx(0).margin(1e-6));
}

TEST_CASE("loss: values computed by hand", "[loss]") {
  const std::vector<double> p{0.1, 0.7, 0.2}, onehot{0, 1, 0}, index{1};
  CHECK(ctnn::loss::categorical_crossentropy{}.value(p.data(), onehot.data(), 1, 3) == Approx(-std::log(0.7)));
  CHECK(ctnn::loss::sparse_categorical_crossentropy{}.value(p.data(), index.data(), 1, 3) == Approx(-std::log(0.7)));
  // MSE: ((0.1)^2 + (0.3)^2 + (0.2)^2) / 3 = 0.14 / 3
  CHECK(ctnn::loss::mean_squared_error{}.value(p.data(), onehot.data(), 1, 3) == Approx(0.14 / 3));
  // BCE: -(log 0.9 + log 0.7 + log 0.8) / 3
  CHECK(ctnn::loss::binary_crossentropy{}.value(p.data(), onehot.data(), 1, 3) ==
        Approx(-(std::log(0.9) + std::log(0.7) + std::log(0.8)) / 3));
}

TEST_CASE("loss: fused softmax + cross-entropy gradients match finite differences", "[loss][gradient]") {
  using net = ctnn::sequential<ctnn::input<5>, ctnn::dense<4, ctnn::tanh>, ctnn::dense<3, ctnn::softmax>>;
  ctnn_test::gradient_check<net, ctnn::loss::categorical_crossentropy> check(6);
  for (std::size_t i = 0; i < 6; ++i) check.labels()[i * 3 + i % 3] = 1.0;
  CHECK(check.max_relative_error(true) < 1e-6);
  CHECK(check.max_relative_error(false) < 1e-6);  // the unfused path agrees
}

TEST_CASE("loss: fused softmax + sparse cross-entropy gradients match finite differences", "[loss][gradient]") {
  using net = ctnn::sequential<ctnn::input<5>, ctnn::dense<3, ctnn::softmax>>;
  ctnn_test::gradient_check<net, ctnn::loss::sparse_categorical_crossentropy> check(6);
  for (std::size_t i = 0; i < 6; ++i) check.labels()[i] = static_cast<double>(i % 3);
  CHECK(check.max_relative_error(true) < 1e-6);
}

TEST_CASE("loss: fused sigmoid + binary cross-entropy gradients match finite differences", "[loss][gradient]") {
  using net = ctnn::sequential<ctnn::input<4>, ctnn::dense<3, ctnn::relu>, ctnn::dense<2, ctnn::sigmoid>>;
  ctnn_test::gradient_check<net, ctnn::loss::binary_crossentropy> check(5);
  for (std::size_t i = 0; i < check.labels().size(); ++i) check.labels()[i] = (i % 3 == 0) ? 1.0 : 0.0;
  CHECK(check.max_relative_error(true) < 1e-6);
  CHECK(check.max_relative_error(false) < 1e-6);
}

TEST_CASE("loss: sparse labels outside the classes are rejected", "[loss]") {
  const std::vector<float> bad{0, 3};
  REQUIRE_THROWS_WITH(ctnn::loss::sparse_categorical_crossentropy{}.validate_labels(bad.data(), 2, 3),
                      Catch::Contains("label 3") && Catch::Contains("sample 1") && Catch::Contains("[0, 3)"));
}
