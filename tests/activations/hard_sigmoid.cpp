#include <catch2/catch.hpp>

#include <ctnn/activations/hard_sigmoid.hpp>

#include "activations/reference_case.hpp"

TEST_CASE("hard_sigmoid: Keras 3's hard_sigmoid, against PyTorch in float64", "[activation][hard_sigmoid]") {
  ctnn_test::check_against_reference(ctnn::hard_sigmoid{}, ctnn_test::reference_case("hard_sigmoid"));
}

TEST_CASE("hard_sigmoid: values by hand, the corners, and not Keras 2's slope", "[activation][hard_sigmoid]") {
  const ctnn::hard_sigmoid a;
  // relu6(z + 3) / 6: exact in float at these points (multiples of 1/8 over 6 that are).
  CHECK(a.apply_simd(-4.0f) == 0.0f);
  CHECK(a.apply_simd(-3.0f) == 0.0f);
  CHECK(a.apply_simd(0.0f) == 0.5f);
  CHECK(a.apply_simd(1.5f) == 0.75f);
  CHECK(a.apply_simd(3.0f) == 1.0f);
  CHECK(a.apply_simd(4.0f) == 1.0f);
  CHECK(a.apply_simd(2.0) == Approx(5.0 / 6).epsilon(1e-15));  // Keras 2's 0.2 z + 0.5 gave 0.9
  // f' = 1/6 strictly between the corners, 0 at and beyond them (TensorFlow's relu6 gradient).
  CHECK(a.backward_simd(a.apply_simd(0.0), 1.0) == Approx(1.0 / 6).epsilon(1e-15));
  CHECK(a.backward_simd(a.apply_simd(-3.0), 1.0) == 0.0);
  CHECK(a.backward_simd(a.apply_simd(3.0), 1.0) == 0.0);
  CHECK(a.backward_simd(a.apply_simd(5.0), 1.0) == 0.0);
}
