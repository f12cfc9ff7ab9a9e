#pragma once
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <xtensor/xmath.hpp>
#include <xtensor/xoperation.hpp>

#include "activation.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn {

// f(z) = max(z, 0), and NaN for NaN as tf.nn.relu (Keras): a bad input shows in the output instead
// of looking like a valid one. Written as a select on z < 0, which keeps NaN (xt::fmax would map
// it to 0; xt::maximum never vectorizes in xtensor 0.24).
struct relu {
  static constexpr std::string_view name = "relu";
  static constexpr bool elementwise = true;
  template <class E> auto operator()(E&& z) const {
    using T = typename std::decay_t<E>::value_type;
    return xt::where(z < T(0), T(0), z);
  }
  template <class Y, class D> auto backward(Y&& y, D&& dy) const {
    using T = typename std::decay_t<Y>::value_type;
    return xt::where(std::forward<Y>(y) > T(0), std::forward<D>(dy), T(0));
  }
  // The same select on batches and scalars, so both paths give NaN for NaN.
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
