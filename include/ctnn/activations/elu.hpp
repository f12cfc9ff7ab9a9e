#pragma once
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <string_view>

#include "activation.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn {

// f(z) = z for z > 0, alpha (exp(z) - 1) otherwise (Keras' default alpha = 1).
// For z <= 0, f'(z) = alpha exp(z) = y + alpha, so the derivative is read off y.
struct elu {
  static constexpr std::string_view name = "elu";
  static constexpr bool elementwise = true;
  float alpha = 1.0f;
  template <class V> V apply_simd(V z) const {
    return detail::simd_select(z > detail::simd_splat<V>(0), z,
                               detail::simd_splat<V>(alpha) * (xsimd::exp(z) - detail::simd_splat<V>(1)));
  }
  template <class V> V backward_simd(V y, V dy) const {
    return detail::simd_select(y > detail::simd_splat<V>(0), dy, dy * (y + detail::simd_splat<V>(alpha)));
  }
};

}  // namespace ctnn
CTNN_DETAIL_SIMD_END
