#pragma once
// The GEMM's block-panel kernel (kernels/gemm.hpp; Eigen's gebp): one packed MC x KC block of
// op(A) times one packed KC x NC block of op(B) into C, in MR x NR register tiles, with the
// narrow and bottom-edge forms of the micro-kernel and the right-edge tiles.
#include "../../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <algorithm>
#include <cstddef>
#include <utility>

#include "../arch/isa.hpp"
#include "../epilogue.hpp"
#include "blocking.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn::kernels::detail {

// C[rows x NR] (=|+=) packed A panel * packed B panel (+ bias[0 .. NR) when bias != nullptr),
// rows <= MR; C is read only when load_c; when last, e(., column) is applied before the store.
// Written with folds over I = 0 .. MR-1 rather than loops or lambdas so that both compilers
// keep the 2 * MR accumulators in registers (clang 14 does not inline a per-row lambda and then
// spills every accumulator).
template <class E, std::size_t... I>
inline void micro_kernel_rows(std::index_sequence<I...>, std::size_t kc, const float* pa,
                              const float* pb, float* c, std::size_t ldc, const float* bias,
                              bool load_c, std::size_t rows, const E& e, bool last,
                              std::size_t column) {
  gemm_batch acc0[sizeof...(I)];
  gemm_batch acc1[sizeof...(I)];
  ((acc0[I] = gemm_batch(0.0f), acc1[I] = gemm_batch(0.0f)), ...);
  for (std::size_t p = 0; p < kc; ++p) {
    const gemm_batch b0 = gemm_batch::load_aligned(pb);
    const gemm_batch b1 = gemm_batch::load_aligned(pb + simd_width);
    ((acc0[I] = fmadd(gemm_batch(pa[I]), b0, acc0[I]),
      acc1[I] = fmadd(gemm_batch(pa[I]), b1, acc1[I])),
     ...);
    pa += gemm_mr;
    pb += gemm_nr;
  }
  if (bias != nullptr) {
    const gemm_batch bias0 = gemm_batch::load_unaligned(bias);
    const gemm_batch bias1 = gemm_batch::load_unaligned(bias + simd_width);
    ((acc0[I] += bias0, acc1[I] += bias1), ...);
  }
  if (load_c) {
    ((I < rows ? void((acc0[I] += gemm_batch::load_unaligned(c + I * ldc),
                       acc1[I] += gemm_batch::load_unaligned(c + I * ldc + simd_width)))
               : void()),
     ...);
  }
  if (last)
    ((acc0[I] = e(acc0[I], column), acc1[I] = e(acc1[I], column + simd_width)), ...);
  ((I < rows ? void((acc0[I].store_unaligned(c + I * ldc),
                     acc1[I].store_unaligned(c + I * ldc + simd_width)))
             : void()),
   ...);
}

// tile[rows x one batch] (row stride NR) = packed A panel * the first batch of a packed B panel:
// the right edge when at most one batch of columns is left there (a 10-class output layer on
// AVX-512), at half the cost of the full MR x NR kernel.
template <std::size_t... I>
inline void micro_kernel_narrow_rows(std::index_sequence<I...>, std::size_t kc, const float* pa,
                                     const float* pb, float* tile, std::size_t rows) noexcept {
  gemm_batch acc[sizeof...(I)];
  ((acc[I] = gemm_batch(0.0f)), ...);
  for (std::size_t p = 0; p < kc; ++p) {
    const gemm_batch b0 = gemm_batch::load_aligned(pb);
    ((acc[I] = fmadd(gemm_batch(pa[I]), b0, acc[I])), ...);
    pa += gemm_mr;
    pb += gemm_nr;
  }
  ((I < rows ? acc[I].store_aligned(tile + I * gemm_nr) : void()), ...);
}

// A bottom edge tile (rows < MR) runs a kernel of MR/3 or 2MR/3 rows when that covers it: the
// full kernel costs the same whatever rows is (m = 256 = 21 x 12 + 4 spent 5 % of its time on
// the last 4 rows).
template <class E>
inline void micro_kernel(std::size_t kc, const float* pa, const float* pb, float* c,
                         std::size_t ldc, const float* bias, bool load_c, std::size_t rows,
                         const E& e, bool last, std::size_t column) {
  constexpr std::size_t third = gemm_mr / 3;
  if (rows <= third)
    micro_kernel_rows(std::make_index_sequence<third>{}, kc, pa, pb, c, ldc, bias, load_c, rows,
                      e, last, column);
  else if (rows <= 2 * third)
    micro_kernel_rows(std::make_index_sequence<2 * third>{}, kc, pa, pb, c, ldc, bias, load_c,
                      rows, e, last, column);
  else
    micro_kernel_rows(std::make_index_sequence<gemm_mr>{}, kc, pa, pb, c, ldc, bias, load_c,
                      rows, e, last, column);
}

// What one K block does to C: the first writes C (+ bias, + the old C when accumulating), later
// ones add to it, the last applies the epilogue.
struct k_step {
  bool load_c, last;
  const float* bias;  // for the block's first column; null but in the first K block
};

// C[mc x nc] (op)= packed A block (mc x kc, MR-row panels) * packed B block (kc x nc, NR-column
// panels) for one K block. column: the index in the caller's C of c's first column (what the
// epilogue is told).
template <class E>
inline void macro_kernel(std::size_t mc, std::size_t nc, std::size_t kc, const float* packed_a,
                         const float* packed_b, float* c, std::size_t ldc, const k_step& step,
                         const E& e, std::size_t column) {
  alignas(scratch_alignment) float tile[gemm_mr * gemm_nr];
  for (std::size_t jr = 0; jr < nc; jr += gemm_nr) {
    const std::size_t nr = std::min(gemm_nr, nc - jr);
    const float* const pb = packed_b + jr * kc;
    const float* const tile_bias = step.bias != nullptr ? step.bias + jr : nullptr;
    for (std::size_t ir = 0; ir < mc; ir += gemm_mr) {
      const std::size_t mr = std::min(gemm_mr, mc - ir);
      const float* const pa = packed_a + ir * kc;
      float* const cij = c + ir * ldc + jr;
      if (nr == gemm_nr) {
        micro_kernel(kc, pa, pb, cij, ldc, tile_bias, step.load_c, mr, e, step.last, column + jr);
        continue;
      }
      // Right edge: compute the full tile locally, store its first nr columns. The tile is
      // read back in whole batches or single floats: a narrower vector read of a wider store
      // cannot be store-forwarded and stalls (clang vectorizing the float loop made the whole
      // GEMM 30-50 % slower).
      if (nr <= simd_width)
        micro_kernel_narrow_rows(std::make_index_sequence<gemm_mr>{}, kc, pa, pb, tile, mr);
      else
        micro_kernel(kc, pa, pb, tile, gemm_nr, nullptr, false, mr, identity_epilogue{}, false, 0);
      for (std::size_t i = 0; i < mr; ++i) {
        float* const row = cij + i * ldc;
        const float* const t = tile + i * gemm_nr;
        std::size_t j = 0;
        if (nr >= simd_width) {
          gemm_batch v = gemm_batch::load_aligned(t);
          if (tile_bias != nullptr) v += gemm_batch::load_unaligned(tile_bias);
          if (step.load_c) v += gemm_batch::load_unaligned(row);
          if (step.last) v = e(v, column + jr);
          v.store_unaligned(row);
          j = simd_width;
        }
#if defined(__clang__)
#pragma clang loop vectorize(disable)
#endif
        for (; j < nr; ++j) {
          float v = t[j];
          if (tile_bias != nullptr) v += tile_bias[j];
          if (step.load_c) v += row[j];
          if (step.last) v = e(v, column + jr + j);
          row[j] = v;
        }
      }
    }
  }
}

}  // namespace ctnn::kernels::detail
CTNN_DETAIL_SIMD_END
