#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include <ctnn/activations/selu.hpp>

#include "activations/reference_case.hpp"

TEST_CASE("selu: Keras' selu, against PyTorch in float64", "[activation][selu]") {
  ctnn_test::check_against_reference(ctnn::selu{}, ctnn_test::reference_case("selu"));
}

TEST_CASE("selu: Keras' constants and values by hand", "[activation][selu]") {
  const ctnn::selu a;
  // The digits Keras' docstring prints, 1.67326324 and 1.05070098, are these rounded; in float
  // they are the very same numbers.
  CHECK(ctnn::selu::alpha == Approx(1.67326324).epsilon(1e-8));
  CHECK(ctnn::selu::scale == Approx(1.05070098).epsilon(1e-8));
  CHECK(static_cast<float>(ctnn::selu::alpha) == 1.67326324f);
  CHECK(static_cast<float>(ctnn::selu::scale) == 1.05070098f);
  CHECK(a.apply_simd(1.0) == ctnn::selu::scale);
  CHECK(a.apply_simd(0.0) == 0.0);
  CHECK(a.apply_simd(-std::numeric_limits<double>::infinity()) == Approx(-1.7580993408473766).epsilon(1e-15));
  CHECK(a.apply_simd(-1.0) == Approx(ctnn::selu::scale * ctnn::selu::alpha * (std::exp(-1.0) - 1)).epsilon(1e-15));
  // f' read off y: scale above 0; scale alpha exp(z) = y + scale alpha below, and at 0 itself
  // (where JAX and PyTorch agree; TensorFlow's gradient takes scale there).
  CHECK(a.backward_simd(a.apply_simd(2.0), 1.0) == ctnn::selu::scale);
  CHECK(a.backward_simd(a.apply_simd(-1.0), 1.0) ==
        Approx(ctnn::selu::scale * ctnn::selu::alpha * std::exp(-1.0)).epsilon(1e-15));
  CHECK(a.backward_simd(0.0, 1.0) == Approx(ctnn::selu::scale * ctnn::selu::alpha).epsilon(1e-15));
}
