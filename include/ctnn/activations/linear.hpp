#pragma once
#include "activation.hpp"

namespace ctnn {

// f(z) = z. Keras' default for Dense.
struct linear {
  static constexpr std::string_view name = "linear";
  static constexpr bool elementwise = true;
  template <class E> decltype(auto) operator()(E&& z) const { return std::forward<E>(z); }
  template <class Y, class D> decltype(auto) backward(Y&&, D&& dy) const { return std::forward<D>(dy); }
};

}  // namespace ctnn
