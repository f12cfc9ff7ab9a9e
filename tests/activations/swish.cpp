#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <type_traits>

#include <ctnn/activations/swish.hpp>

#include "activations/reference_case.hpp"

namespace {
constexpr double u = std::numeric_limits<float>::epsilon() / 2;  // float's unit roundoff
}  // namespace

TEST_CASE("swish: Keras 3's silu, against PyTorch in float64", "[activation][swish]") {
  ctnn_test::check_against_reference(ctnn::swish{}, ctnn_test::reference_case("silu"));
}

TEST_CASE("swish: silu is the same activation, named as Keras 3 names it", "[activation][swish]") {
  STATIC_REQUIRE(std::is_same_v<ctnn::silu, ctnn::swish>);
  STATIC_REQUIRE(ctnn::elementwise_activation<ctnn::swish>);
  STATIC_REQUIRE(ctnn::backward_reads_z_v<ctnn::swish>);
  CHECK(ctnn::swish::name == "silu");
}

TEST_CASE("swish: values by hand", "[activation][swish]") {
  const ctnn::swish a;
  CHECK(a.apply_simd(0.0) == 0.0);
  CHECK(a.apply_simd(1.0) == Approx(1 / (1 + std::exp(-1.0))).epsilon(1e-15));
  CHECK(a.backward_simd(0.0, 1.0) == 0.5);  // s (1 + 0 (1 - s)) with s = 1/2
  // Far below 0: z / (1 + exp(-z)) keeps its relative precision in float: exp(20) within 2 ulp
  // plus the addition and the division, 4 u, with margin 8 u.
  const double want = -20 / (1 + std::exp(20.0));
  CHECK(std::abs(a.apply_simd(-20.0f) - want) <= 8 * u * std::abs(want));
  // Two inputs with (nearly) the same output, -0.269, on either side of the minimum at -1.278:
  // their derivatives have opposite signs, which is why the derivative reads z and not y.
  CHECK(a.apply_simd(-1.0) == Approx(a.apply_simd(-1.6)).margin(1e-3));
  CHECK(a.backward_simd(-1.0, 1.0) > 0);
  CHECK(a.backward_simd(-1.6, 1.0) < 0);
}
