#pragma once

// ctnn::kernels::gemm: the single-precision matrix product behind every layer.
//
// Why our own GEMM rather than a library:
// - matrix products written as xtensor expressions reach ~2 % of peak;
// - xtensor-blas allocates on every call, rejects two fixed-shape matrices and clashes with
//   <cblas.h>;
// - OpenBLAS would add a link dependency to a header-only library, and cannot fuse an epilogue
//   (bias, accumulation into the previous C) into the store of the result.
//
// Design (Goto/BLIS), a file per role under kernels/gemm/ as in Eigen's products/:
//   blocking.hpp       the MR x NR register tile and the NC x KC x MC cache blocks;
//   pack.hpp           operands packed into contiguous zero-padded panels, held in a
//                      thread_local scratch buffer that only grows (scratch.hpp);
//   block_panel.hpp    the MR x NR register-blocked micro-kernel (NR = 2 SIMD batches, elements
//                      of A broadcast, FMA into 2 * MR accumulators) and its edge tiles;
//   matrix_matrix.hpp  the loops over the blocks on one thread, and the K blocking;
//   parallelizer.hpp   the split of a large product among threads;
//   small_m.hpp        products with m <= 4 and no transposition (small-batch inference): an
//                      unpacked path that keeps rows of C in registers while streaming rows of
//                      B, and never touches the heap.
// What differs between instruction sets (register count, fused multiply-add, the packing
// transposes) is in kernels/arch/, chosen by the xsimd arch tag of the batch type.
//
// Epilogue (kernels/epilogue.hpp): the bias is added after the first K block, the epilogue
// (an activation, say) to the finished sums after the last one, before they are stored: a dense
// layer's forward pass is this one call.
//
// Threads (kernels/parallel.hpp): a large packed product splits its columns (or, when op(A) is
// the larger operand, its rows) into chunks of whole NR panels (MR tiles) that up to
// kernels::max_threads() threads take from a shared counter, each having packed the other
// operand once. Every value of C is computed by one thread with the K blocking, micro-kernel
// and edge handling one thread would use: bit-identical for any thread count. (A failure to
// grow a thread's packing buffer inside the parallel region ends the program.)
//
// SIMD width is xsimd's default arch, i.e. whatever the -m... flags enable (SSE2 at minimum on
// x86-64); every translation unit must be built with the same flags.

#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <cassert>
#include <cstddef>

#include "epilogue.hpp"
#include "gemm/matrix_matrix.hpp"
#include "gemm/parallelizer.hpp"
#include "gemm/small_m.hpp"
#include "gemm_options.hpp"
#include "matrix_ref.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn::kernels {

namespace detail {
// The shapes of a product C = op(A) op(B): op(A) m x k, op(B) k x n, C m x n and not transposed.
template <class T>
constexpr bool product_shapes_agree(matrix_ref<const T> a, matrix_ref<const T> b,
                                    matrix_ref<T> c) noexcept {
  return a.op_cols() == b.op_rows() && a.op_rows() == c.rows && b.op_cols() == c.cols &&
         c.op == transpose::no;
}
}  // namespace detail

// C = e( op(A) op(B)  (+ options.bias[n] added to every row if not null)
//                     (+ the old C if options.accumulate) ), C m x n, op(A) m x k, op(B) k x n.
// e: an epilogue (kernels/epilogue.hpp) applied once to every finished value; the identity by
// default. Operands are row-major (kernels/matrix_ref.hpp: a stride, and transposed() for
// op(M) = M^T); C must not be transposed. Elements of C outside its rows x cols are never
// touched; the old C is read only when accumulating (it may hold NaN otherwise). Shapes are
// checked by assert only (debug builds), so that the call costs nothing more in release.
// With m <= 4 and no transposition the call performs no heap allocation; otherwise only the
// first call on a thread (or one needing a bigger packing buffer) allocates. Products of at
// least 2^20 multiply-adds on the packed path use up to kernels::max_threads() threads (1
// unless the caller raised it), with results identical to one thread's.
template <epilogue E = identity_epilogue>
inline void gemm(matrix_ref<const float> a, matrix_ref<const float> b, matrix_ref<float> c,
                 const gemm_options<float>& options = {}, const E& e = {}) {
  assert(detail::product_shapes_agree(a, b, c) &&
         "kernels::gemm(a, b, c) requires op(a) m x k, op(b) k x n and c m x n, not transposed");
  const std::size_t m = c.rows, n = c.cols, k = a.op_cols();
  if (m == 0 || n == 0) return;
  if (k == 0) {
    for (std::size_t i = 0; i < m; ++i) {
      float* const row = c.data + i * c.stride;
      for (std::size_t j = 0; j < n; ++j)
        row[j] = e((options.accumulate ? row[j] : 0.0f) +
                       (options.bias != nullptr ? options.bias[j] : 0.0f),
                   j);
    }
    return;
  }
  if (m <= detail::gemm_small_m_max && a.op == transpose::no && b.op == transpose::no) {
    switch (m) {
      case 1:
        detail::gemm_small_m<1>(a, b, c, options, e);
        return;
      case 2:
        detail::gemm_small_m<2>(a, b, c, options, e);
        return;
      case 3:
        detail::gemm_small_m<3>(a, b, c, options, e);
        return;
      default:
        detail::gemm_small_m<4>(a, b, c, options, e);
        return;
    }
  }
  detail::gemm_packed(a, b, c, options, e);
}

}  // namespace ctnn::kernels
CTNN_DETAIL_SIMD_END
