#pragma once
// acc = q x Q for one sample: q (In) and Q (In x Out) int8 values in [-127, 127], acc int32, exact
// (|acc| <= In * 127^2 fits int32 for In below 133,000, which the callers assert). A quarter of
// float weights' bytes, and on AVX2 four times the multiply-adds of a float FMA per instruction.
//
// Layout (detail/gemv_panels.hpp): a row of the storage is 4 consecutive rows of Q (In padded to
// a multiple of 4 with zeros), one 32-bit word a column holding its 4 values; blocks of 8
// columns (one 256-bit load), panels of 8 blocks: 8 registers of sums. The same layout on every
// build, so the exact sums are the same bits on every build.
//
// AVX2 (vpmaddubsw multiplies unsigned by signed bytes): |q| times Q with q's sign moved onto it
// (vpsignb), pairs summed to int16 (at most 2 * 127 * 127 = 32,258: never saturates, which is why
// the range is +-127 and not -128), then to int32 (vpmaddwd by ones). Elsewhere the same sums
// in plain integer loops. (AVX-512 VNNI's vpdpbusd would do the three in one; no machine here
// has it to test on, so it is not written.)
#include <cstddef>
#include <cstdint>

#include "detail/gemv_panels.hpp"

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace ctnn::kernels {

template <std::size_t In, std::size_t Out>
struct int8_gemv {
  static_assert(In * 127 * 127 <= 2147483647u, "ctnn::kernels::int8_gemv: In is too large for exact int32 sums");
  static constexpr std::size_t lanes = 8;
  static constexpr std::size_t groups = (In + 3) / 4;  // storage rows: 4 rows of Q each
  using panels = detail::gemv_panels<groups, Out, lanes, lanes, 8>;
  static constexpr std::size_t words = panels::words;
  static constexpr std::size_t padded_in = groups * 4;
  static constexpr std::size_t padded_columns = panels::blocks * lanes;

  // q: (In x Out) values, row-major.
  static void pack(const std::int8_t* q, std::uint32_t* w) noexcept {
    for (std::size_t g = 0; g < groups; ++g)
      for (std::size_t b = 0; b < panels::blocks; ++b)
        for (std::size_t t = 0; t < lanes; ++t) {
          const std::size_t c = b * lanes + t;
          std::uint32_t word = 0;
          for (std::size_t k = 0; k < 4; ++k) {
            const std::size_t r = 4 * g + k;
            const std::int8_t v = r < In && c < Out ? q[r * Out + c] : std::int8_t{0};
            word |= std::uint32_t{static_cast<std::uint8_t>(v)} << (8 * k);
          }
          w[panels::word(g, b, t)] = word;
        }
  }
  static std::int8_t weight(const std::uint32_t* w, std::size_t r, std::size_t c) noexcept {
    const std::uint32_t word = w[panels::word(r / 4, c / lanes, c % lanes)];
    return static_cast<std::int8_t>(static_cast<std::uint8_t>(word >> (8 * (r % 4))));
  }

  // acc[c] for c < padded_columns (zero past Out); x: padded_in values (zero past In).
  static void apply(const std::int8_t* x, const std::uint32_t* w, std::int32_t* acc) noexcept {
    for (std::size_t p = 0; p < panels::panels; ++p)
      detail::with_block_count<8>(panels::blocks_of(p), [&](auto nb) {
        panel<nb()>(x, w + panels::panel_start(p), acc + p * 8 * lanes);
      });
  }

 private:
  template <std::size_t NB>
  static void panel(const std::int8_t* x, const std::uint32_t* w, std::int32_t* acc) noexcept {
#if defined(__AVX2__)
    __m256i sum[NB];
    for (auto& s : sum) s = _mm256_setzero_si256();
    const __m256i ones = _mm256_set1_epi16(1);
    for (std::size_t g = 0; g < groups; ++g) {
      std::int32_t four;
      __builtin_memcpy(&four, x + 4 * g, 4);
      const __m256i xs = _mm256_set1_epi32(four);
      const __m256i xa = _mm256_abs_epi8(xs);
      const std::uint32_t* const row = w + g * NB * lanes;
      for (std::size_t b = 0; b < NB; ++b) {
        const __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + b * lanes));
        const __m256i pairs = _mm256_maddubs_epi16(xa, _mm256_sign_epi8(q, xs));
        sum[b] = _mm256_add_epi32(sum[b], _mm256_madd_epi16(pairs, ones));
      }
    }
    for (std::size_t b = 0; b < NB; ++b) _mm256_storeu_si256(reinterpret_cast<__m256i*>(acc + b * lanes), sum[b]);
#else
    std::int32_t sum[NB * lanes] = {};
    for (std::size_t g = 0; g < groups; ++g) {
      const std::uint32_t* const row = w + g * NB * lanes;
      for (std::size_t j = 0; j < NB * lanes; ++j) {
        const std::uint32_t word = row[j];
        std::int32_t s = 0;
        for (std::size_t k = 0; k < 4; ++k)
          s += std::int32_t{x[4 * g + k]} * std::int32_t{static_cast<std::int8_t>(static_cast<std::uint8_t>(word >> (8 * k)))};
        sum[j] += s;
      }
    }
    for (std::size_t j = 0; j < NB * lanes; ++j) acc[j] = sum[j];
#endif
  }
};

}  // namespace ctnn::kernels
