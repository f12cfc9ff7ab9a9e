#pragma once
// The GEMM's pieces for xsimd's avx family (avx, avx2, fma3<avx2>): the packing transpose in
// 8 x 8 register blocks (24 shuffles per block).
#include "../../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <cstddef>
#include <utility>

#include "generic.hpp"
#include "x86.hpp"

#if XSIMD_WITH_AVX
#include <immintrin.h>

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn::kernels::detail {

// r[q] <- column q of the 8 x 8 block whose row i is r[i].
inline void transpose_8x8(__m256 (&r)[8]) noexcept {
  __m256 t[8];
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  }
  // u[4g + c], 128-bit lane l: rows 4g .. 4g+3 at column 4l + c.
  __m256 u[8];
  for (int g = 0; g < 8; g += 4) {
    u[g] = _mm256_shuffle_ps(t[g], t[g + 2], 0x44);
    u[g + 1] = _mm256_shuffle_ps(t[g], t[g + 2], 0xEE);
    u[g + 2] = _mm256_shuffle_ps(t[g + 1], t[g + 3], 0x44);
    u[g + 3] = _mm256_shuffle_ps(t[g + 1], t[g + 3], 0xEE);
  }
  for (int c = 0; c < 4; ++c) {
    r[c] = _mm256_permute2f128_ps(u[c], u[4 + c], 0x20);
    r[4 + c] = _mm256_permute2f128_ps(u[c], u[4 + c], 0x31);
  }
}

// Blocks of 8 values of p; returns how far it got.
template <std::size_t Width>
inline std::size_t interleave_avx(std::size_t kc, const float* const* rows, float* dst) noexcept {
  constexpr std::size_t groups = (Width + 7) / 8;
  std::size_t p = 0;
  for (; p + 8 <= kc; p += 8)
    for (std::size_t g = 0; g < groups; ++g) {
      __m256 r[8];
      for (std::size_t i = 0; i < 8; ++i)
        r[i] = g * 8 + i < Width ? _mm256_loadu_ps(rows[g * 8 + i] + p) : _mm256_setzero_ps();
      transpose_8x8(r);
      for (std::size_t q = 0; q < 8; ++q)
        store_column<Width % 8 == 0 ? 8 : Width, 8>(dst + (p + q) * Width + g * 8, q,
                                       [&](float* out) { _mm256_storeu_ps(out, r[q]); });
    }
  return p;
}

// Widths that are not a multiple of 8 (above 8) take the generic form.
template <std::size_t Width>
  requires(Width < 8 || Width % 8 == 0)
inline void interleave_rows(std::size_t kc, const float* const* rows, float* dst,
                            const xsimd::avx&) noexcept {
  const std::size_t p = interleave_avx<Width>(kc, rows, dst);
  interleave_scalar(std::make_index_sequence<Width>{}, p, kc, rows, dst);
}

}  // namespace ctnn::kernels::detail
CTNN_DETAIL_SIMD_END
#endif
