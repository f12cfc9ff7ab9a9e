#pragma once
// The GEMM's matrix-matrix driver (kernels/gemm.hpp): the Goto/BLIS loops over NC x KC x MC
// blocks on the calling thread, and the K blocking that the threaded driver
// (kernels/gemm/parallelizer.hpp) shares with it.
#include "../../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <algorithm>
#include <cstddef>

#include "../gemm_options.hpp"
#include "../matrix_ref.hpp"
#include "block_panel.hpp"
#include "blocking.hpp"
#include "pack.hpp"
#include "scratch.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn::kernels::detail {

// K blocking shared by every driver (and so by every thread count): equal blocks
// (k = 1000 -> 3 x 334, not 2 x 400 + 200), since a short last block would pay a full load/store
// of C for little work.
constexpr std::size_t k_block(std::size_t k) noexcept {
  const std::size_t blocks = (k + gemm_kc - 1) / gemm_kc;
  return (k + blocks - 1) / blocks;
}

// The k_step (kernels/gemm/block_panel.hpp) of the K block [pc, pc + kc) of k.
inline k_step k_step_of(std::size_t pc, std::size_t kc, std::size_t k, bool accumulate,
                        const float* bias) noexcept {
  const bool first = pc == 0;
  return {accumulate || !first, pc + kc >= k, first ? bias : nullptr};
}

// The packed product on the calling thread: NC x KC x MC blocks (Goto/BLIS).
template <class E>
inline void gemm_packed_serial(matrix_ref<const float> a, matrix_ref<const float> b,
                               matrix_ref<float> c, const gemm_options<float>& options,
                               const E& e) {
  const std::size_t m = c.rows, n = c.cols, k = a.op_cols();
  const std::size_t kc_max = k_block(k);
  const std::size_t nc_max = std::min(gemm_nc, round_up(n, gemm_nr));
  const std::size_t mc_max = std::min(gemm_mc, round_up(m, gemm_mr));
  float* const packed_b = gemm_scratch_buffer(kc_max * (nc_max + mc_max));
  float* const packed_a = packed_b + kc_max * nc_max;
  for (std::size_t jc = 0; jc < n; jc += gemm_nc) {
    const std::size_t nc = std::min(gemm_nc, n - jc);
    for (std::size_t pc = 0; pc < k; pc += kc_max) {
      const std::size_t kc = std::min(kc_max, k - pc);
      const k_step step = k_step_of(pc, kc, k, options.accumulate,
                                    options.bias != nullptr ? options.bias + jc : nullptr);
      pack_b(kc, nc, b, pc, jc, packed_b);
      for (std::size_t ic = 0; ic < m; ic += gemm_mc) {
        const std::size_t mc = std::min(gemm_mc, m - ic);
        pack_a(mc, kc, a, ic, pc, packed_a);
        macro_kernel(mc, nc, kc, packed_a, packed_b, c.data + ic * c.stride + jc, c.stride, step, e,
                     jc);
      }
    }
  }
}

}  // namespace ctnn::kernels::detail
CTNN_DETAIL_SIMD_END
