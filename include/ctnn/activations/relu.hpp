#pragma once
#include <xtensor/xmath.hpp>
#include <xtensor/xoperation.hpp>

#include "activation.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn {

// f(z) = max(z, 0). xt::fmax rather than xt::maximum: the latter never vectorizes (STACK_NOTES).
struct relu {
  static constexpr std::string_view name = "relu";
  static constexpr bool elementwise = true;
  template <class E> auto operator()(E&& z) const {
    using T = typename std::decay_t<E>::value_type;
    return xt::fmax(std::forward<E>(z), T(0));
  }
  template <class Y, class D> auto backward(Y&& y, D&& dy) const {
    using T = typename std::decay_t<Y>::value_type;
    return xt::where(std::forward<Y>(y) > T(0), std::forward<D>(dy), T(0));
  }
  // select rather than max: the same value for NaN (0, as xt::fmax) on batches and scalars.
  template <class V> V apply_simd(V z) const {
    const V zero = detail::simd_splat<V>(0);
    return detail::simd_select(z > zero, z, zero);
  }
  template <class V> V backward_simd(V y, V dy) const {
    const V zero = detail::simd_splat<V>(0);
    return detail::simd_select(y > zero, dy, zero);
  }
};

}  // namespace ctnn
CTNN_DETAIL_SIMD_END
