#pragma once
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <string_view>

#include "activation.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn {

// f(z) = max(z, 0), and NaN for NaN as tf.nn.relu (Keras): a bad input shows in the output instead
// of looking like a valid one. Written as a select on z < 0, which keeps NaN (std::fmax, and the
// max instruction with z first, return 0 for it).
struct relu {
  static constexpr std::string_view name = "relu";
  static constexpr bool elementwise = true;
  template <class V> V apply_simd(V z) const {
    const V zero = detail::simd_splat<V>(0);
    return detail::simd_select(z < zero, zero, z);
  }
  template <class V> V backward_simd(V y, V dy) const {
    const V zero = detail::simd_splat<V>(0);
    return detail::simd_select(y > zero, dy, zero);
  }
};

}  // namespace ctnn
CTNN_DETAIL_SIMD_END
