#pragma once
// kernels::detail::interleave_rows<Width>(kc, rows, dst): dst[p * Width + r] = rows[r][p] for
// p < kc, r < Width. The transposing half of GEMM packing (op(A) untransposed into MR-row panels,
// op(B) transposed into NR-column panels); every rows[r] must be readable for kc values (rows
// past the matrix edge point at zeros).
//
// Chosen by xsimd's default arch (the -m flags): AVX-512 transposes 16 x 16 blocks and AVX
// 8 x 8 blocks in registers (64 / 24 shuffles per block); other archs, and the columns left
// over, go one value at a time. Packing W5's inputs one value at a time took 5 % of its time.
#include "../../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <algorithm>
#include <cstddef>
#include <type_traits>
#include <utility>


#if XSIMD_WITH_AVX
#include <immintrin.h>
#endif

#include "../simd.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn::kernels::detail {

// A fold over the source rows with contiguous stores: written as nested loops with a strided
// store, clang 14 turns it into AVX-512 scatters (the whole GEMM at n = 10 ran 40 % slower).
// (The loop starts at 0 over rows shifted by first: counting from first, GCC 12 warns that an
// iteration past 2^62 would overflow dst.)
template <std::size_t... R>
inline void interleave_scalar(std::index_sequence<R...>, std::size_t first, std::size_t kc,
                              const float* const* rows, float* dst) noexcept {
  if (first >= kc) return;
  const float* const from[] = {(rows[R] + first)...};
  const std::size_t count = kc - first;
  dst += first * sizeof...(R);
  for (std::size_t p = 0; p < count; ++p, dst += sizeof...(R)) ((dst[R] = from[R][p]), ...);
}

// Stores column q of a block of Lanes columns (a vector of Lanes floats, the first
// min(Width, Lanes) of them wanted) at out: as a whole vector, whose extra lanes later columns'
// stores overwrite, while it ends inside the block's Lanes * Width floats; through a copy
// otherwise (the block's last columns could run past the buffer).
template <std::size_t Width, std::size_t Lanes, class Store>
inline void store_column(float* out, std::size_t q, Store&& store) noexcept {
  if constexpr (Width >= Lanes) {
    store(out);
  } else if (q * Width + Lanes <= Lanes * Width) {
    store(out);
  } else {
    alignas(64) float lanes[Lanes];
    store(lanes);
    std::copy_n(lanes, Width, out);
  }
}

#if XSIMD_WITH_AVX512F
// r[q] <- column q of the 16 x 16 block whose row i is r[i].
inline void transpose_16x16(__m512 (&r)[16]) noexcept {
  __m512 t[16];
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  // u[4g + c], 128-bit lane l: rows 4g .. 4g+3 at column 4l + c.
  __m512 u[16];
  for (int g = 0; g < 16; g += 4) {
    u[g] = _mm512_shuffle_ps(t[g], t[g + 2], 0x44);
    u[g + 1] = _mm512_shuffle_ps(t[g], t[g + 2], 0xEE);
    u[g + 2] = _mm512_shuffle_ps(t[g + 1], t[g + 3], 0x44);
    u[g + 3] = _mm512_shuffle_ps(t[g + 1], t[g + 3], 0xEE);
  }
  for (int c = 0; c < 4; ++c) {
    const __m512 v0 = _mm512_shuffle_f32x4(u[c], u[4 + c], 0x44);
    const __m512 v1 = _mm512_shuffle_f32x4(u[c], u[4 + c], 0xEE);
    const __m512 w0 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0x44);
    const __m512 w1 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0xEE);
    r[c] = _mm512_shuffle_f32x4(v0, w0, 0x88);
    r[4 + c] = _mm512_shuffle_f32x4(v0, w0, 0xDD);
    r[8 + c] = _mm512_shuffle_f32x4(v1, w1, 0x88);
    r[12 + c] = _mm512_shuffle_f32x4(v1, w1, 0xDD);
  }
}

// Blocks of 16 values of p; returns how far it got.
template <std::size_t Width>
inline std::size_t interleave_avx512(std::size_t kc, const float* const* rows, float* dst) noexcept {
  constexpr std::size_t groups = (Width + 15) / 16;
  std::size_t p = 0;
  for (; p + 16 <= kc; p += 16)
    for (std::size_t g = 0; g < groups; ++g) {
      __m512 r[16];
      for (std::size_t i = 0; i < 16; ++i)
        r[i] = g * 16 + i < Width ? _mm512_loadu_ps(rows[g * 16 + i] + p) : _mm512_setzero_ps();
      transpose_16x16(r);
      for (std::size_t q = 0; q < 16; ++q)
        store_column<Width % 16 == 0 ? 16 : Width, 16>(dst + (p + q) * Width + g * 16, q,
                                         [&](float* out) { _mm512_storeu_ps(out, r[q]); });
    }
  return p;
}
#endif

#if XSIMD_WITH_AVX
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
#endif

template <std::size_t Width>
inline void interleave_rows(std::size_t kc, const float* const* rows, float* dst) noexcept {
  std::size_t p = 0;
#if XSIMD_WITH_AVX512F
  if constexpr (std::is_base_of_v<xsimd::avx512f, xsimd::default_arch> &&
                (Width < 16 || Width % 16 == 0))
    p = interleave_avx512<Width>(kc, rows, dst);
#endif
#if XSIMD_WITH_AVX
  if constexpr (!std::is_base_of_v<xsimd::avx512f, xsimd::default_arch> &&
                std::is_base_of_v<xsimd::avx, xsimd::default_arch> && (Width < 8 || Width % 8 == 0))
    p = interleave_avx<Width>(kc, rows, dst);
#endif
  interleave_scalar(std::make_index_sequence<Width>{}, p, kc, rows, dst);
}

}  // namespace ctnn::kernels::detail
CTNN_DETAIL_SIMD_END
