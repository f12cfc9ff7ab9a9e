#pragma once
// The GEMM's pieces for xsimd's avx512f family (avx512f, cd, dq, bw): 32 vector registers, a
// fused multiply-add that clang emits, and the packing transpose in 16 x 16 register blocks
// (64 shuffles per block).
#include "../../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <cstddef>
#include <utility>

#include "generic.hpp"
#include "x86.hpp"

#if XSIMD_WITH_AVX512F
#include <immintrin.h>

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn::kernels::detail {

constexpr std::size_t vector_register_count(const xsimd::avx512f&) noexcept { return 32; }

// xsimd 8.1 has no AVX-512 fma kernel: its generic fallback x * y + z is contracted by GCC but
// left as vmulps + vaddps by clang 14 (-20 % throughput).
template <class A>
inline xsimd::batch<float, A> fmadd(const xsimd::batch<float, A>& x,
                                    const xsimd::batch<float, A>& y,
                                    const xsimd::batch<float, A>& z,
                                    const xsimd::avx512f&) noexcept {
  return xsimd::batch<float, A>(_mm512_fmadd_ps(x, y, z));
}

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
inline std::size_t interleave_avx512(std::size_t kc, const float* const* rows,
                                     float* dst) noexcept {
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

// Widths that are not a multiple of 16 (above 16) take the generic form.
template <std::size_t Width>
  requires(Width < 16 || Width % 16 == 0)
inline void interleave_rows(std::size_t kc, const float* const* rows, float* dst,
                            const xsimd::avx512f&) noexcept {
  const std::size_t p = interleave_avx512<Width>(kc, rows, dst);
  interleave_scalar(std::make_index_sequence<Width>{}, p, kc, rows, dst);
}

}  // namespace ctnn::kernels::detail
CTNN_DETAIL_SIMD_END
#endif
