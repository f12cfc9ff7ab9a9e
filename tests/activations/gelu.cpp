#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include <ctnn/activations/gelu.hpp>

#include "activations/reference_case.hpp"

namespace {
constexpr double u = std::numeric_limits<float>::epsilon() / 2;  // float's unit roundoff
const double pi = std::acos(-1.0);
double phi(double z) { return std::exp(-z * z / 2) / std::sqrt(2 * pi); }       // N(0, 1) density
double cdf(double z) { return std::erfc(-z / std::sqrt(2.0)) / 2; }            // its distribution
double tanh_u(double z) { return std::sqrt(2 / pi) * (z + 0.044715 * z * z * z); }
}  // namespace

TEST_CASE("gelu: Keras 3's gelu(x, approximate=False), against PyTorch in float64", "[activation][gelu]") {
  ctnn_test::check_against_reference(ctnn::gelu{}, ctnn_test::reference_case("gelu"));
}

TEST_CASE("gelu: Keras 3's gelu(x, approximate=True), against PyTorch in float64", "[activation][gelu]") {
  ctnn_test::check_against_reference(ctnn::gelu_approximate{}, ctnn_test::reference_case("gelu_approximate"));
}

TEST_CASE("gelu: the exact form is the default, as in Keras 3; each form is its own type and name",
          "[activation][gelu]") {
  STATIC_REQUIRE(!ctnn::gelu::approximate);
  STATIC_REQUIRE(ctnn::gelu_approximate::approximate);
  STATIC_REQUIRE(ctnn::backward_reads_z_v<ctnn::gelu>);
  STATIC_REQUIRE(ctnn::backward_reads_z_v<ctnn::gelu_approximate>);
  CHECK(ctnn::gelu::name == "gelu");
  CHECK(ctnn::gelu_approximate::name == "gelu_approximate");
}

TEST_CASE("gelu: values by hand (Keras' docstring example) and the two forms apart", "[activation][gelu]") {
  const ctnn::gelu exact;
  const ctnn::gelu_approximate approx;
  // keras.ops.gelu([-1, 0, 1], approximate=False) = [-0.15865525, 0, 0.84134475].
  CHECK(exact.apply_simd(-1.0) == Approx(-0.15865525393145707).epsilon(1e-14));
  CHECK(exact.apply_simd(0.0) == 0.0);
  CHECK(exact.apply_simd(1.0) == Approx(0.8413447460685429).epsilon(1e-14));
  CHECK(exact.backward_simd(0.0, 1.0) == 0.5);  // Phi(0) + 0
  // The tanh form: 0.5 (1 + tanh(sqrt(2 / pi) 1.044715)) at 1, 2.9e-4 from the exact form.
  CHECK(approx.apply_simd(1.0) == Approx(0.5 * (1 + std::tanh(tanh_u(1.0)))).epsilon(1e-14));
  CHECK(std::abs(approx.apply_simd(1.0) - exact.apply_simd(1.0)) > 1e-4);
}

TEST_CASE("gelu: both forms keep their relative precision in float far below 0", "[activation][gelu]") {
  const ctnn::gelu exact;
  const ctnn::gelu_approximate approx;
  // Exact form at z = -10, y = -7.6e-23, where Keras' literal 1 + erf(z / sqrt 2) is 0 in float.
  // erfc(a), a = 7.07, amplifies the rounding of its argument by its condition number
  // 2 a^2 + 1 = 101, plus its own 2 ulp and the products' 2 u: 105 u; bound 128 u.
  {
    const double want = -10 * cdf(-10), dwant = cdf(-10) - 10 * phi(-10);
    CHECK(std::abs(exact.apply_simd(-10.0f) - want) <= 128 * u * std::abs(want));
    // f' = Phi + z phi, no cancellation (the terms differ a hundredfold): erfc's 105 u and exp's
    // condition number 50 at -50, 2 ulp and the products' 3 u: 160 u; bound 192 u.
    CHECK(std::abs(exact.backward_simd(-10.0f, 1.0f) - dwant) <= 192 * u * std::abs(dwant));
  }
  // Tanh form at z = -5, y = -2.3e-7, where 1 + tanh(u) is 1 or 2 ulp of 1 in float (35 %
  // off). z / (1 + exp(-2u)): exp at -2u = 16.9 amplifies the rounding of its argument 16.9
  // times; that argument is a sum of 3 rounded terms times 2 sqrt(2 / pi), of size 16.9, with
  // the cubic's constant rounded too: 4 u each, so 16.9 (4 + 1) u, plus exp's 2 ulp and the
  // division and addition: 88 u; bound 128 u.
  {
    const double want = -5 / (1 + std::exp(-2 * tanh_u(-5)));
    CHECK(std::abs(approx.apply_simd(-5.0f) - want) <= 128 * u * std::abs(want));
  }
}
