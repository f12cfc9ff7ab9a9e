#pragma once
#include "activation.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn {

// f(z) = z. Keras' default for Dense.
struct linear {
  static constexpr std::string_view name = "linear";
  static constexpr bool elementwise = true;
  template <class E> decltype(auto) operator()(E&& z) const { return std::forward<E>(z); }
  template <class Y, class D> decltype(auto) backward(Y&&, D&& dy) const { return std::forward<D>(dy); }
  template <class V> V apply_simd(V z) const { return z; }
  template <class V> V backward_simd(V, V dy) const { return dy; }
};

}  // namespace ctnn
CTNN_DETAIL_SIMD_END
