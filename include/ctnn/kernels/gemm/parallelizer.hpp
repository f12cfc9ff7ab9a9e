#pragma once
// The GEMM's parallelizer (kernels/gemm.hpp): whether a packed product runs on several threads
// (kernels/parallel.hpp), and how its columns or rows are split among them.
#include "../../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <algorithm>
#include <atomic>
#include <cstddef>

#include "../gemm_options.hpp"
#include "../matrix_ref.hpp"
#include "../parallel.hpp"
#include "block_panel.hpp"
#include "blocking.hpp"
#include "matrix_matrix.hpp"
#include "pack.hpp"
#include "scratch.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn::kernels::detail {

// Products below this many multiply-adds run on one thread: starting a team costs a few
// microseconds, about what 2^20 multiply-adds take on one core.
inline constexpr std::size_t gemm_parallel_min_madds = std::size_t{1} << 20;
// The threaded path packs the whole operand it does not split once per thread; above this many
// floats (16 MiB) it gives up (such products are rare in layers and run on one thread).
inline constexpr std::size_t gemm_parallel_max_packed = std::size_t{1} << 22;

// The packed product on up to `threads` threads. The larger of op(A) and op(B) is split into
// chunks of whole MR-row tiles or NR-column panels, taken from a shared counter (a thread the
// OS preempts leaves its chunks to the others); each thread first packs the whole other
// operand, every K block of it, once. Each value of C is computed by one thread with the same
// K blocks, micro-kernel and edge handling as gemm_packed_serial: the same bits.
template <class E>
inline void gemm_packed_parallel(std::size_t threads, matrix_ref<const float> a,
                                 matrix_ref<const float> b, matrix_ref<float> c,
                                 const gemm_options<float>& options, const E& e) {
  const std::size_t m = c.rows, n = c.cols, k = a.op_cols();
  const float* const bias = options.bias;
  const std::size_t kc_max = k_block(k);
  const std::size_t m_round = round_up(m, gemm_mr), n_round = round_up(n, gemm_nr);
  const bool split_columns = n >= m;
  // About four chunks per thread, each at least 2 panels or 4 tiles.
  const std::size_t unit = split_columns ? gemm_nr : gemm_mr;
  const std::size_t units = split_columns ? n_round / gemm_nr : m_round / gemm_mr;
  const std::size_t per_chunk = std::max<std::size_t>(split_columns ? 2 : 4, units / (4 * threads));
  const std::size_t chunk = per_chunk * unit;
  const std::size_t chunks = (units + per_chunk - 1) / per_chunk;
  std::atomic<std::size_t> next{0};
  parallel(std::min(threads, chunks), [&](std::size_t, std::size_t) {
    if (split_columns) {
      // All of op(A), K block pc at packed_a + pc * m_round; then chunks of columns of op(B),
      // whose panels are read and written with aligned accesses: they start at the next
      // aligned float after op(A) (m_round * k is a multiple of MR only).
      const std::size_t a_floats = round_up(m_round * k, scratch_alignment / sizeof(float));
      float* const packed_a = gemm_scratch_buffer(a_floats + kc_max * chunk);
      float* const packed_b = packed_a + a_floats;
      for (std::size_t pc = 0; pc < k; pc += kc_max)
        pack_a(m, std::min(kc_max, k - pc), a, 0, pc, packed_a + pc * m_round);
      for (std::size_t u; (u = next.fetch_add(1, std::memory_order_relaxed)) < chunks;) {
        const std::size_t j0 = u * chunk, nc = std::min(chunk, n - j0);
        for (std::size_t pc = 0; pc < k; pc += kc_max) {
          const std::size_t kc = std::min(kc_max, k - pc);
          const k_step step =
              k_step_of(pc, kc, k, options.accumulate, bias != nullptr ? bias + j0 : nullptr);
          pack_b(kc, nc, b, pc, j0, packed_b);
          for (std::size_t ic = 0; ic < m; ic += gemm_mc)
            macro_kernel(std::min(gemm_mc, m - ic), nc, kc, packed_a + pc * m_round + ic * kc,
                         packed_b, c.data + ic * c.stride + j0, c.stride, step, e, j0);
        }
      }
    } else {
      // All of op(B), K block pc at packed_b + pc * n_round; then chunks of rows of op(A).
      float* const packed_b = gemm_scratch_buffer(n_round * k + kc_max * chunk);
      float* const packed_a = packed_b + n_round * k;
      for (std::size_t pc = 0; pc < k; pc += kc_max)
        pack_b(std::min(kc_max, k - pc), n, b, pc, 0, packed_b + pc * n_round);
      for (std::size_t u; (u = next.fetch_add(1, std::memory_order_relaxed)) < chunks;) {
        const std::size_t i0 = u * chunk, mc = std::min(chunk, m - i0);
        for (std::size_t pc = 0; pc < k; pc += kc_max) {
          const std::size_t kc = std::min(kc_max, k - pc);
          const k_step step = k_step_of(pc, kc, k, options.accumulate, bias);
          pack_a(mc, kc, a, i0, pc, packed_a);
          macro_kernel(mc, n, kc, packed_a, packed_b + pc * n_round, c.data + i0 * c.stride,
                       c.stride, step, e, 0);
        }
      }
    }
  });
}

// The packed product, on one thread or several.
template <class E>
inline void gemm_packed(matrix_ref<const float> a, matrix_ref<const float> b, matrix_ref<float> c,
                        const gemm_options<float>& options, const E& e) {
  const std::size_t m = c.rows, n = c.cols, k = a.op_cols();
  const std::size_t threads = max_threads();
  const std::size_t shared = std::min(round_up(m, gemm_mr), round_up(n, gemm_nr)) * k;
  if (threads <= 1 || m * n * k < gemm_parallel_min_madds || shared > gemm_parallel_max_packed ||
      std::max(m, n) < 2 * gemm_nr)
    gemm_packed_serial(a, b, c, options, e);
  else
    gemm_packed_parallel(threads, a, b, c, options, e);
}

}  // namespace ctnn::kernels::detail
CTNN_DETAIL_SIMD_END
