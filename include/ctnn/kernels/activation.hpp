#pragma once
// Evaluates an activation policy over a layer's output buffer, in place, in one vectorized pass:
// an element-wise activation's apply_simd / backward_simd on whole xsimd batches and on the
// values around them (detail::simd_transform), a row-wise one's forward_rows / backward_rows.
// Layers whose product can carry the activation (dense, conv2d: kernels/affine.hpp) use
// fused_activation (a GEMM epilogue, kernels/epilogue.hpp) with activate_unfused for what it
// leaves, and activate_backward_sum.
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <algorithm>
#include <cstddef>
#include <type_traits>


#include "simd.hpp"

#include "../activations/activation.hpp"
#include "../activations/linear.hpp"
#include "../detail/simd_loop.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn::kernels {

// y <- f(y) over rows x width values.
template <activation A, class T>
void activate(const A& a, T* y, std::size_t rows, std::size_t width) {
  if constexpr (std::is_same_v<A, linear>) {
    return;
  } else if constexpr (A::elementwise) {
    ctnn::detail::simd_transform(rows * width, y, [&a](auto z) { return a.apply_simd(z); }, y);
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
    ctnn::detail::simd_transform(rows * width, dy, [&a](auto yv, auto d) { return a.backward_simd(yv, d); }, y,
                                 static_cast<const T*>(dy));
  } else {
    a.backward_rows(y, dy, dy, rows, width);
  }
}

// What fused_activation(a) leaves of a's forward pass, y <- f(y): nothing for an element-wise
// activation (the product applied it), the whole activation for a row-wise one (softmax).
template <activation A, class T>
void activate_unfused(const A& a, T* y, std::size_t rows, std::size_t width) {
  if constexpr (!A::elementwise) activate(a, y, rows, width);
}

// y <- f(y) over rows x width values, row by row: whole batches from each row's first value (for
// float), single values for the rest of the row. Unlike activate, whose split into batches
// follows the buffer's alignment, a row's values come out the same wherever the row lies, so a
// layer whose rows are the positions of its samples (depthwise_conv2d) gives a sample the same
// bits alone or in any batch, as the fused product does. The same split as backward_sum_rows.
template <activation A, class T>
void activate_rows(const A& a, T* y, std::size_t rows, std::size_t width) {
  if constexpr (std::is_same_v<A, linear>) {
    return;
  } else if constexpr (A::elementwise) {
    constexpr std::size_t w = std::is_same_v<T, float> ? xsimd::batch<float>::size : 1;
    const std::size_t full = w > 1 ? width / w * w : 0;
    for (std::size_t r = 0; r < rows; ++r) {
      T* const yr = y + r * width;
      if constexpr (w > 1) {
        using batch = xsimd::batch<float>;
        for (std::size_t j = 0; j < full; j += w) a.apply_simd(batch::load_unaligned(yr + j)).store_unaligned(yr + j);
      }
      for (std::size_t j = full; j < width; ++j) yr[j] = a.apply_simd(yr[j]);
    }
  } else {
    a.forward_rows(y, y, rows, width);
  }
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
// layer's bias gradient). One pass over dy for element-wise activations; the derivative, then
// the sums, for row-wise ones.
template <activation A, class T>
void activate_backward_sum(const A& a, const T* y, T* dy, std::size_t rows, std::size_t width,
                           T* db, bool dy_is_preactivation) {
  if (db != nullptr) std::fill(db, db + width, T(0));
  if constexpr (A::elementwise && !std::is_same_v<A, linear>) {
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
