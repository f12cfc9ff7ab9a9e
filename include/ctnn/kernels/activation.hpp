#pragma once
// Evaluates an activation policy over a layer's output buffer, in one vectorized pass: an
// element-wise activation's apply_simd / backward_simd on whole xsimd batches and on the values
// after them, row by row (detail::transform_rows), a row-wise one's forward_rows / backward_rows.
// Layers whose product can carry the activation (dense, conv2d: kernels/affine.hpp) use
// fused_activation (a GEMM epilogue, kernels/epilogue.hpp) with activate_unfused for what it
// leaves, and activate_backward_sum.
//
// The backward passes take `v`, what a.backward_simd reads: y = f(z), or z itself for an
// activation with backward_reads_z_v<A> (activations/activation.hpp). A caller holding both
// passes derivative_operand(a, y, z).
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <algorithm>
#include <cstddef>
#include <type_traits>


#include "simd.hpp"

#include "../activations/activation.hpp"
#include "../activations/linear.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn::kernels {

namespace detail {
// out = f(in...) over rows x width values (T float or double, f generic over xsimd::batch<T> and
// T), row by row: whole batches from each row's first value, then single values for its tail.
// A value's result so depends on its column alone, never on how many rows there are: a batch
// of one gives the row of a batch of n bit for bit (the layer laws), where one pass over the
// whole buffer would split batch from single values wherever the buffer's alignment falls, and
// a batch's exp and a single value's may round apart. out may alias an input.
template <class T, class F, class... In>
void transform_rows(std::size_t rows, std::size_t width, T* out, F&& f, const In*... in) {
  using batch = xsimd::batch<T>;
  constexpr std::size_t w = batch::size;
  const std::size_t full = width / w * w;
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t row = r * width;
    std::size_t j = 0;
    for (; j < full; j += w) f(batch::load_unaligned(in + row + j)...).store_unaligned(out + row + j);
    for (; j < width; ++j) out[row + j] = f(in[row + j]...);
  }
}
}  // namespace detail

// y <- f(z) over rows x width values; y may alias z.
template <activation A, class T>
void activate_into(const A& a, const T* z, T* y, std::size_t rows, std::size_t width) {
  if constexpr (std::is_same_v<A, linear>) {
    if (y != z) std::copy(z, z + rows * width, y);
  } else if constexpr (A::elementwise) {
    detail::transform_rows(rows, width, y, [&a](auto v) { return a.apply_simd(v); }, z);
  } else {
    a.forward_rows(z, y, rows, width);
  }
}

// y <- f(y) over rows x width values.
template <activation A, class T>
void activate(const A& a, T* y, std::size_t rows, std::size_t width) {
  activate_into(a, static_cast<const T*>(y), y, rows, width);
}

// What a's backward pass reads: y = f(z), or z when backward_reads_z_v<A>.
template <activation A, class T>
constexpr const T* derivative_operand(const A&, const T* y, const T* z) noexcept {
  if constexpr (backward_reads_z_v<A>) return z;
  else return y;
}

// dy <- dL/dz given v (y = f(z), or z: derivative_operand) and dy = dL/dy.
template <activation A, class T>
void activate_backward(const A& a, const T* v, T* dy, std::size_t rows, std::size_t width) {
  if constexpr (std::is_same_v<A, linear>) {
    return;
  } else if constexpr (A::elementwise) {
    detail::transform_rows(rows, width, dy, [&a](auto vv, auto d) { return a.backward_simd(vv, d); }, v,
                           static_cast<const T*>(dy));
  } else {
    a.backward_rows(v, dy, dy, rows, width);
  }
}

// What fused_activation(a) leaves of a's forward pass, y <- f(y): nothing for an element-wise
// activation (the product applied it), the whole activation for a row-wise one (softmax).
template <activation A, class T>
void activate_unfused(const A& a, T* y, std::size_t rows, std::size_t width) {
  if constexpr (!A::elementwise) activate(a, y, rows, width);
}

namespace detail {
// One pass over rows x width values: dy <- a.backward_simd(v, dy) when Derive, db += dy per
// column when Sum. Batches for float, the same functions on single values for the tail and for
// other scalar types.
template <bool Derive, bool Sum, class A, class T>
void backward_sum_rows(const A& a, const T* v, T* dy, std::size_t rows, std::size_t width,
                       T* db) {
  constexpr std::size_t w = std::is_same_v<T, float> ? xsimd::batch<float>::size : 1;
  const std::size_t full = w > 1 ? width / w * w : 0;  // the columns in whole batches
  for (std::size_t r = 0; r < rows; ++r) {
    const T* const vr = v + r * width;
    T* const dr = dy + r * width;
    if constexpr (w > 1) {
      using batch = xsimd::batch<float>;
      for (std::size_t j = 0; j < full; j += w) {
        batch d = batch::load_unaligned(dr + j);
        if constexpr (Derive) {
          d = a.backward_simd(batch::load_unaligned(vr + j), d);
          d.store_unaligned(dr + j);
        }
        if constexpr (Sum) (batch::load_unaligned(db + j) + d).store_unaligned(db + j);
      }
    }
    for (std::size_t j = full; j < width; ++j) {
      T d = dr[j];
      if constexpr (Derive) dr[j] = d = a.backward_simd(vr[j], d);
      if constexpr (Sum) db[j] += d;
    }
  }
}
}  // namespace detail

// dy <- dL/dz = dL/dy f'(z) given v (y = f(z), or z: derivative_operand), skipped when
// dy_is_preactivation (the loss already handed dL/dz), and, unless db is null, db <- the column
// sums of dL/dz over the rows (a dense layer's bias gradient). One pass over dy for element-wise activations; the derivative, then
// the sums, for row-wise ones.
template <activation A, class T>
void activate_backward_sum(const A& a, const T* v, T* dy, std::size_t rows, std::size_t width,
                           T* db, bool dy_is_preactivation) {
  if (db != nullptr) std::fill(db, db + width, T(0));
  if constexpr (A::elementwise && !std::is_same_v<A, linear>) {
    if (dy_is_preactivation) {
      if (db != nullptr) detail::backward_sum_rows<false, true>(a, v, dy, rows, width, db);
    } else if (db != nullptr) {
      detail::backward_sum_rows<true, true>(a, v, dy, rows, width, db);
    } else {
      detail::backward_sum_rows<true, false>(a, v, dy, rows, width, db);
    }
  } else {
    if (!dy_is_preactivation) activate_backward(a, v, dy, rows, width);
    if (db != nullptr) detail::backward_sum_rows<false, true>(a, v, dy, rows, width, db);
  }
}

}  // namespace ctnn::kernels
CTNN_DETAIL_SIMD_END
