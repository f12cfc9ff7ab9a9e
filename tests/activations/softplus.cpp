#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include <ctnn/activations/softplus.hpp>

#include "activations/reference_case.hpp"

namespace {
constexpr double u = std::numeric_limits<float>::epsilon() / 2;  // float's unit roundoff
}  // namespace

TEST_CASE("softplus: Keras' softplus, against PyTorch in float64", "[activation][softplus]") {
  ctnn_test::check_against_reference(ctnn::softplus{}, ctnn_test::reference_case("softplus"));
}

TEST_CASE("softplus: values by hand, no overflow, precise where it is tiny", "[activation][softplus]") {
  const ctnn::softplus a;
  STATIC_REQUIRE(!ctnn::backward_reads_z_v<ctnn::softplus>);  // f' = 1 - exp(-y)
  CHECK(a.apply_simd(0.0) == Approx(std::log(2.0)).epsilon(1e-15));
  CHECK(a.backward_simd(std::log(2.0), 1.0) == Approx(0.5).epsilon(1e-15));
  // log(exp(100) + 1) overflows in float (exp(100) > 3.4e38); the stable form is 100 exactly
  // (100 + log1p(exp(-100)) rounds to 100).
  CHECK(a.apply_simd(100.0f) == 100.0f);
  CHECK(a.backward_simd(100.0f, 1.0f) == 1.0f);
  // z = -20: y = log1p(exp(-20)) = 2.06e-9. exp amplifies nothing (its argument is exact), 2 ulp,
  // log1p 2 ulp, the sum with 0 exact: 4 u; bound 8 u. f' = sigmoid(-20), read off that y as
  // -expm1(-y) (condition number y e^-y / (1 - e^-y) <= 1: y's 4 u plus expm1's 2 ulp; bound
  // 8 u), where 1 - exp(-y) would round to 0.
  const double y = std::log1p(std::exp(-20.0)), dy = 1 / (1 + std::exp(20.0));
  const float yf = a.apply_simd(-20.0f);
  CHECK(std::abs(yf - y) <= 8 * u * y);
  CHECK(std::abs(a.backward_simd(yf, 1.0f) - dy) <= 8 * u * dy);
}
