#pragma once
// Evaluates an activation policy's expressions over a layer's output buffer, in place, in one
// vectorized pass (xtensor assigns element-wise expressions over contiguous buffers with xsimd).
// Layers whose product can carry the activation (dense) use fused_activation (a GEMM epilogue,
// kernels/epilogue.hpp) with activate_unfused for what it leaves, and activate_backward_sum.
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <algorithm>
#include <array>
#include <cstddef>
#include <type_traits>


#include "simd.hpp"

#include <xtensor/xadapt.hpp>
#include <xtensor/xnoalias.hpp>

#include "../activations/activation.hpp"
#include "../activations/linear.hpp"

CTNN_DETAIL_SIMD_BEGIN
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

// What fused_activation(a) leaves of a's forward pass, y <- f(y): nothing when a is a
// simd_activation (the product applied it), the whole activation otherwise (softmax's rows,
// element-wise activations without register-level forms).
template <activation A, class T>
void activate_unfused(const A& a, T* y, std::size_t rows, std::size_t width) {
  if constexpr (!simd_activation<A>) activate(a, y, rows, width);
}

namespace detail {
// One pass over rows x width values: dy <- a.backward_simd(y, dy) when Derive, db += dy per
// column when Sum. Batches for float, the same functions on single values for the tail and for
// other scalar types.
template <bool Derive, bool Sum, class A, class T>
void backward_sum_rows(const A& a, const T* y, T* dy, std::size_t rows, std::size_t width,
                       T* db) {
  constexpr std::size_t w = std::is_same_v<T, float> ? xsimd::batch<float>::size : 1;
  const std::size_t full = w > 1 ? width / w * w : 0;  // the columns in whole batches
  for (std::size_t r = 0; r < rows; ++r) {
    const T* const yr = y + r * width;
    T* const dr = dy + r * width;
    if constexpr (w > 1) {
      using batch = xsimd::batch<float>;
      for (std::size_t j = 0; j < full; j += w) {
        batch d = batch::load_unaligned(dr + j);
        if constexpr (Derive) {
          d = a.backward_simd(batch::load_unaligned(yr + j), d);
          d.store_unaligned(dr + j);
        }
        if constexpr (Sum) (batch::load_unaligned(db + j) + d).store_unaligned(db + j);
      }
    }
    for (std::size_t j = full; j < width; ++j) {
      T d = dr[j];
      if constexpr (Derive) dr[j] = d = a.backward_simd(yr[j], d);
      if constexpr (Sum) db[j] += d;
    }
  }
}
}  // namespace detail

// dy <- dL/dz = dL/dy f'(z) given y = f(z) (skipped when dy_is_preactivation: the loss already
// handed dL/dz), and, unless db is null, db <- the column sums of dL/dz over the rows (a dense
// layer's bias gradient). One pass over dy for element-wise activations with register-level
// forms; the derivative, then the sums, otherwise.
template <activation A, class T>
void activate_backward_sum(const A& a, const T* y, T* dy, std::size_t rows, std::size_t width,
                           T* db, bool dy_is_preactivation) {
  if (db != nullptr) std::fill(db, db + width, T(0));
  if constexpr (simd_activation<A> && !std::is_same_v<A, linear>) {
    if (dy_is_preactivation) {
      if (db != nullptr) detail::backward_sum_rows<false, true>(a, y, dy, rows, width, db);
    } else if (db != nullptr) {
      detail::backward_sum_rows<true, true>(a, y, dy, rows, width, db);
    } else {
      detail::backward_sum_rows<true, false>(a, y, dy, rows, width, db);
    }
  } else {
    if (!dy_is_preactivation) activate_backward(a, y, dy, rows, width);
    if (db != nullptr) detail::backward_sum_rows<false, true>(a, y, dy, rows, width, db);
  }
}

}  // namespace ctnn::kernels
CTNN_DETAIL_SIMD_END
