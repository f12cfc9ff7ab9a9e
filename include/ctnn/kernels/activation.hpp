#pragma once
// Evaluates an activation policy's expressions over a layer's output buffer, in place, in one
// vectorized pass (xtensor assigns element-wise expressions over contiguous buffers with xsimd).
#include <array>
#include <cstddef>
#include <type_traits>

#include <xtensor/xadapt.hpp>
#include <xtensor/xnoalias.hpp>

#include "../activations/activation.hpp"
#include "../activations/linear.hpp"

namespace ctnn::kernels {

namespace detail {
template <class T>
auto flat(T* p, std::size_t n) {
  return xt::adapt(p, n, xt::no_ownership(), std::array<std::size_t, 1>{n});
}
}  // namespace detail

// y <- f(y) over rows x width values.
template <activation A, class T>
void activate(const A& a, T* y, std::size_t rows, std::size_t width) {
  if constexpr (std::is_same_v<A, linear>) {
    return;
  } else if constexpr (A::elementwise) {
    auto t = detail::flat(y, rows * width);
    xt::noalias(t) = a(t);
  } else {
    a.forward_rows(y, y, rows, width);
  }
}

// dy <- dL/dz given y = f(z) and dy = dL/dy.
template <activation A, class T>
void activate_backward(const A& a, const T* y, T* dy, std::size_t rows, std::size_t width) {
  if constexpr (std::is_same_v<A, linear>) {
    return;
  } else if constexpr (A::elementwise) {
    const auto ty = detail::flat(y, rows * width);
    auto td = detail::flat(dy, rows * width);
    xt::noalias(td) = a.backward(ty, td);
  } else {
    a.backward_rows(y, dy, dy, rows, width);
  }
}

}  // namespace ctnn::kernels
