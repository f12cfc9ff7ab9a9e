#pragma once
// Packing for the GEMM (kernels/gemm.hpp): blocks of op(A) and op(B) copied into the contiguous,
// zero-padded panels the block-panel kernel (kernels/gemm/block_panel.hpp) reads front to back.
#include "../../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <algorithm>
#include <cstddef>

#include "../arch/isa.hpp"
#include "../matrix_ref.hpp"
#include "blocking.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn::kernels::detail {

// Zeros standing in for the rows of A (columns of B) past the matrix edge while packing.
inline constexpr float pack_zeros[gemm_kc] = {};

// Packs op(A)[i0 .. i0+mc, p0 .. p0+kc] into panels of MR rows: panel r holds
// dst[r*MR*kc + p*MR + i] = op(A)[i0 + r*MR + i, p0 + p], rows past mc zero.
inline void pack_a(std::size_t mc, std::size_t kc, matrix_ref<const float> a, std::size_t i0,
                   std::size_t p0, float* dst) noexcept {
  if (a.op == transpose::no) {
    // op(A)[i, p] = a[i*lda + p]: rows of a panel come from MR rows of a (a transposition).
    for (std::size_t ir = 0; ir < mc; ir += gemm_mr) {
      const std::size_t mr = std::min(gemm_mr, mc - ir);
      const float* rows[gemm_mr];
      for (std::size_t i = 0; i < gemm_mr; ++i)
        rows[i] = i < mr ? a.data + (i0 + ir + i) * a.stride + p0 : pack_zeros;
      interleave_rows<gemm_mr>(kc, rows, dst + ir * kc);
    }
    return;
  }
  // op(A)[i, p] = a[p*lda + i]: packed rows are contiguous pieces of stored rows. Row by row,
  // so that each stored row is read once, front to back.
  for (std::size_t p = 0; p < kc; ++p) {
    const float* const src = a.data + (p0 + p) * a.stride + i0;
    for (std::size_t ir = 0; ir < mc; ir += gemm_mr) {
      const std::size_t mr = std::min(gemm_mr, mc - ir);
      float* const out = dst + ir * kc + p * gemm_mr;
      std::size_t i = 0;
      for (; i < mr; ++i) out[i] = src[ir + i];
      for (; i < gemm_mr; ++i) out[i] = 0.0f;
    }
  }
}

// Packs op(B)[p0 .. p0+kc, j0 .. j0+nc] into panels of NR columns: panel s holds
// dst[s*NR*kc + p*NR + j] = op(B)[p0 + p, j0 + s*NR + j], columns past nc zero.
inline void pack_b(std::size_t kc, std::size_t nc, matrix_ref<const float> b, std::size_t p0,
                   std::size_t j0, float* dst) noexcept {
  if (b.op == transpose::yes) {
    // op(B)[p, j] = b[j*ldb + p]: columns of a panel come from NR rows of b (a transposition).
    for (std::size_t jr = 0; jr < nc; jr += gemm_nr) {
      const std::size_t nr = std::min(gemm_nr, nc - jr);
      const float* rows[gemm_nr];
      for (std::size_t j = 0; j < gemm_nr; ++j)
        rows[j] = j < nr ? b.data + (j0 + jr + j) * b.stride + p0 : pack_zeros;
      interleave_rows<gemm_nr>(kc, rows, dst + jr * kc);
    }
    return;
  }
  // op(B)[p, j] = b[p*ldb + j]: packed rows are contiguous pieces of stored rows. Row by row,
  // each stored row read once front to back: panel by panel, every row was visited nc / NR
  // times, 128 bytes at a time, and packing W5's weights took 6 % of its time.
  const std::size_t full = nc / gemm_nr * gemm_nr;
  for (std::size_t p = 0; p < kc; ++p) {
    const float* const src = b.data + (p0 + p) * b.stride + j0;
    float* const out = dst + p * gemm_nr;
    for (std::size_t jr = 0; jr < full; jr += gemm_nr) {
      gemm_batch::load_unaligned(src + jr).store_aligned(out + jr * kc);
      gemm_batch::load_unaligned(src + jr + simd_width).store_aligned(out + jr * kc + simd_width);
    }
    if (full < nc) {
      float* const edge = out + full * kc;
      std::size_t j = 0;
      for (; j < nc - full; ++j) edge[j] = src[full + j];
      for (; j < gemm_nr; ++j) edge[j] = 0.0f;
    }
  }
}

}  // namespace ctnn::kernels::detail
CTNN_DETAIL_SIMD_END
