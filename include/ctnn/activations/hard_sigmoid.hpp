#pragma once
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <string_view>

#include "activation.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn {

// Keras 3's hard_sigmoid: f(z) = relu6(z + 3) / 6, that is 0 for z <= -3, 1 for z >= 3 and
// z / 6 + 1/2 between (Keras 2's was clip(0.2 z + 0.5, 0, 1): a different function). Computed as
// Keras does, z + 3 clamped to [0, 6] then divided by 6, with selects that keep NaN.
// f'(z) = 1/6 strictly inside (-3, 3), 0 outside and at the corners (TensorFlow's relu6
// gradient), which y tells: 0 < y < 1.
struct hard_sigmoid {
  static constexpr std::string_view name = "hard_sigmoid";
  static constexpr bool elementwise = true;
  template <class V> V apply_simd(V z) const {
    const V zero = detail::simd_splat<V>(0), six = detail::simd_splat<V>(6);
    const V t = z + detail::simd_splat<V>(3);
    return detail::simd_select(t < zero, zero, detail::simd_select(t > six, six, t)) / six;
  }
  template <class V> V backward_simd(V y, V dy) const {
    const V zero = detail::simd_splat<V>(0);
    return detail::simd_select((y > zero) && (y < detail::simd_splat<V>(1)), dy / detail::simd_splat<V>(6), zero);
  }
};

}  // namespace ctnn
CTNN_DETAIL_SIMD_END
