#pragma once
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <xtensor/xoperation.hpp>

#include "activation.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn {

// f(z) = z for z > 0, alpha z otherwise. alpha defaults to 0.3 as Keras' LeakyReLU layer.
// With alpha > 0, y > 0 exactly when z > 0, so the derivative can be read off y.
struct leaky_relu {
  static constexpr std::string_view name = "leaky_relu";
  static constexpr bool elementwise = true;
  float alpha = 0.3f;
  template <class E> auto operator()(E&& z) const {
    using T = typename std::decay_t<E>::value_type;
    return xt::where(z > T(0), z, T(alpha) * z);
  }
  template <class Y, class D> auto backward(Y&& y, D&& dy) const {
    using T = typename std::decay_t<Y>::value_type;
    return xt::where(std::forward<Y>(y) > T(0), dy, T(alpha) * dy);
  }
  template <class V> V apply_simd(V z) const {
    return detail::simd_select(z > detail::simd_splat<V>(0), z, detail::simd_splat<V>(alpha) * z);
  }
  template <class V> V backward_simd(V y, V dy) const {
    return detail::simd_select(y > detail::simd_splat<V>(0), dy, detail::simd_splat<V>(alpha) * dy);
  }
};

}  // namespace ctnn
CTNN_DETAIL_SIMD_END
