// ctnn::gaussian_noise (Keras' GaussianNoise).
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "support/allocation_counter.hpp"
#include "support/layer_test.hpp"

namespace {
using ctnn::dense;
using ctnn::gaussian_noise;
using ctnn::gaussian_noise_stddev;
using ctnn::input;
using ctnn::sequential;
using ctnn_test::bound;
using ctnn_test::random_values;

// ctnn::gaussian_noise<0.3f> where the compiler takes a floating literal for a class-type
// template argument (GCC 12); clang 14 does not, so the tests spell the portable form.
using noise30 = gaussian_noise<gaussian_noise_stddev{0.3}>;

template <class Network>
double gradient_error(std::size_t n) { return ctnn_test::gradient_error<Network>(n, 7, 17); }
}  // namespace

TEST_CASE("gaussian_noise: the stddev is a compile-time constant, checked where the network is composed", "[gaussian_noise]") {
  STATIC_REQUIRE(noise30::stddev == 0.3);
  STATIC_REQUIRE(std::is_same_v<gaussian_noise<gaussian_noise_stddev{0.1f}>, gaussian_noise<gaussian_noise_stddev{0.1}>>);
#if __cpp_nontype_template_args >= 201911L
  // The spelling of the issue, where the compiler supports it.
  STATIC_REQUIRE(std::is_same_v<gaussian_noise<0.1f>, gaussian_noise<gaussian_noise_stddev{0.1}>>);
#endif
  STATIC_REQUIRE(gaussian_noise_stddev{0.0}.valid());
  STATIC_REQUIRE(gaussian_noise_stddev{2.5}.valid());
  STATIC_REQUIRE(!gaussian_noise_stddev{-0.1}.valid());
  STATIC_REQUIRE(!gaussian_noise_stddev{-1e-9}.valid());  // negative however small
  STATIC_REQUIRE(!gaussian_noise_stddev{std::numeric_limits<double>::quiet_NaN()}.valid());
  STATIC_REQUIRE(!gaussian_noise_stddev{std::numeric_limits<double>::infinity()}.valid());
  using bad_noise = gaussian_noise<gaussian_noise_stddev{-1.0}>;
  STATIC_REQUIRE(ctnn::detail::refuses_with<ctnn::detail::gaussian_noise_invalid_stddev, bad_noise, ctnn::shape<3>>);

  using net = sequential<input<4, 4, 2>, noise30, ctnn::flatten, dense<3>>;
  STATIC_REQUIRE(std::is_same_v<std::tuple_element_t<0, net::layer_types>::output_shape, ctnn::shape<4, 4, 2>>);
  STATIC_REQUIRE(net::parameter_counts[0] == 0);
  STATIC_REQUIRE(ctnn::layer<std::tuple_element_t<0, net::layer_types>>);
}

TEST_CASE("gaussian_noise: identity in inference, N(0, stddev^2) added in training", "[gaussian_noise]") {
  constexpr std::size_t n = 200, D = 1000;
  using L = bound<gaussian_noise<gaussian_noise_stddev{0.5}>, ctnn::shape<D>>;
  const L layer;
  const std::vector<float> x = random_values<float>(n * D, 8, -3, 3);
  std::vector<float> y(x.size());
  ctnn::detail::rng r(99);

  ctnn::pass_context inference{ctnn::mode::inference, &r};
  layer.forward(ctnn::forward_io<float>{nullptr, x.data(), y.data(), n, nullptr}, inference);
  CHECK(y == x);
  std::vector<float> dy = random_values<float>(n * D, 9, -1, 1), dx(n * D);
  layer.backward(ctnn::backward_io<float>{nullptr, nullptr, x.data(), y.data(), dy.data(), dx.data(), n}, inference);
  CHECK(dx == dy);

  ctnn::pass_context training{ctnn::mode::training, &r};
  layer.forward(ctnn::forward_io<float>{nullptr, x.data(), y.data(), n, nullptr}, training);
  double sum = 0, squares = 0;
  for (std::size_t i = 0; i < x.size(); ++i) sum += double(y[i]) - double(x[i]);
  const double mean = sum / double(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) squares += std::pow(double(y[i]) - double(x[i]) - mean, 2);
  const double stddev = std::sqrt(squares / double(x.size() - 1));
  // 200,000 draws: the standard error of the mean is 0.5 / 447 = 0.0011, of the std 0.0008.
  CHECK(std::abs(mean) < 0.006);
  CHECK(stddev == Approx(0.5).margin(0.005));
  // Additive noise: dL/dx = dL/dy in training too.
  layer.backward(ctnn::backward_io<float>{nullptr, nullptr, x.data(), y.data(), dy.data(), dx.data(), n}, training);
  CHECK(dx == dy);

  // The same seed draws the same noise.
  std::vector<float> a(x.size()), b(x.size());
  ctnn::detail::rng r1(5), r2(5);
  ctnn::pass_context c1{ctnn::mode::training, &r1}, c2{ctnn::mode::training, &r2};
  layer.forward(ctnn::forward_io<float>{nullptr, x.data(), a.data(), n, nullptr}, c1);
  layer.forward(ctnn::forward_io<float>{nullptr, x.data(), b.data(), n, nullptr}, c2);
  CHECK(a == b);
}

TEST_CASE("gaussian_noise: gradients match finite differences (noise fixed per pass)", "[gaussian_noise][gradient]") {
  using net = sequential<input<4>, dense<3, ctnn::tanh>, noise30, dense<2>>;
  CHECK(gradient_error<net>(5) < 1e-6);
}

// ---- in a model ------------------------------------------------------------------------------

