#pragma once
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <string_view>

#include "activation.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn {

// f(z) = z for z > 0, alpha z otherwise. alpha defaults to 0.3 as Keras' LeakyReLU layer.
// With alpha > 0, y > 0 exactly when z > 0, so the derivative can be read off y.
struct leaky_relu {
  static constexpr std::string_view name = "leaky_relu";
  static constexpr bool elementwise = true;
  float alpha = 0.3f;
  template <class V> V apply_simd(V z) const {
    return detail::simd_select(z > detail::simd_splat<V>(0), z, detail::simd_splat<V>(alpha) * z);
  }
  template <class V> V backward_simd(V y, V dy) const {
    return detail::simd_select(y > detail::simd_splat<V>(0), dy, detail::simd_splat<V>(alpha) * dy);
  }
};

}  // namespace ctnn
CTNN_DETAIL_SIMD_END
