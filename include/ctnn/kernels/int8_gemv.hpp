#pragma once
// acc = q x Q for one sample: q (In) and Q (In x Out) int8 values in [-127, 127], acc int32, exact
// (|acc| <= In * 255 * 127 fits int32 for In up to 66,311, which is asserted: the bound of the
// VNNI form below, kept on every build so that what compiles does not depend on the ISA). A
// quarter of float weights' bytes, and four times the multiply-adds of a float FMA per lane.
//
// Layout (detail/gemv_panels.hpp): a row of the storage is 4 consecutive rows of Q (In padded to
// a multiple of 4 with zeros), one 32-bit word a column holding its 4 values; blocks of `lanes`
// columns (one vector load), panels of 8 blocks: 8 registers of sums. The sums are exact, so
// every form gives the same bits.
//
// AVX-512 VNNI (vpdpbusd: unsigned bytes times signed bytes, four products summed into each
// int32 lane, no saturation): 16 columns a block; q made unsigned as q + 128 (a xor of its sign
// bits), and 128 * (the column's sum of Q), computed when packing and stored after the blocks,
// subtracted at the end. AVX-VNNI (256-bit vpdpbusd) and AVX2 (vpmaddubsw, which saturates to
// int16 and so cannot take q + 128): 8 columns a block, |q| times Q with q's sign moved onto it
// (vpsignb), pairs summed to int16 (at most 2 * 127 * 127 = 32,258: never saturates, which is why
// the range is +-127 and not -128), then to int32 (vpmaddwd by ones), or all three in one
// vpdpbusd. Elsewhere the same sums in plain integer loops.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "detail/gemv_panels.hpp"

#if defined(__AVX2__)
#include <immintrin.h>
#endif

#if defined(__AVX512VNNI__) && defined(__AVX512BW__)
#define CTNN_DETAIL_INT8_VNNI512 1
#endif

namespace ctnn::kernels {

// Which of the forms above this translation unit's int8_gemv uses (ctnn::isa_int8_kernel()).
inline constexpr std::string_view int8_gemv_form =
#if defined(CTNN_DETAIL_INT8_VNNI512)
    "avx512_vnni";
#elif defined(__AVX2__) && defined(__AVXVNNI__)
    "avx_vnni";
#elif defined(__AVX2__)
    "avx2";
#else
    "integer";
#endif

template <std::size_t In, std::size_t Out>
struct int8_gemv {
  static_assert(In * 255 * 127 <= 2147483647u, "ctnn::kernels::int8_gemv: In is too large for exact int32 sums");
#if defined(CTNN_DETAIL_INT8_VNNI512)
  static constexpr std::size_t lanes = 16;
  static constexpr bool offset_input = true;  // q + 128, less 128 * column sums
#else
  static constexpr std::size_t lanes = 8;
  static constexpr bool offset_input = false;
#endif
  static constexpr std::size_t groups = (In + 3) / 4;  // storage rows: 4 rows of Q each
  using panels = detail::gemv_panels<groups, Out, lanes, lanes, 8>;
  static constexpr std::size_t padded_in = groups * 4;
  static constexpr std::size_t padded_columns = panels::blocks * lanes;
  // The blocks, then (offset_input) 128 * each column's sum of Q.
  static constexpr std::size_t words = panels::words + (offset_input ? padded_columns : 0);

  // q: (In x Out) values, row-major.
  static void pack(const std::int8_t* q, std::uint32_t* w) noexcept {
    if constexpr (offset_input) {
      for (std::size_t c = 0; c < padded_columns; ++c) {
        std::int32_t sum = 0;
        for (std::size_t r = 0; r < In && c < Out; ++r) sum += q[r * Out + c];
        w[panels::words + c] = static_cast<std::uint32_t>(128 * sum);
      }
    }
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
        const std::int32_t* offsets = nullptr;  // past the blocks only where they are stored
        if constexpr (offset_input) offsets = reinterpret_cast<const std::int32_t*>(w + panels::words) + p * 8 * lanes;
        panel<nb()>(x, w + panels::panel_start(p), acc + p * 8 * lanes, offsets);
      });
  }

 private:
  template <std::size_t NB>
  // column_offsets: 128 * the column sums of the panel's columns (offset_input only).
  static void panel(const std::int8_t* x, const std::uint32_t* w, std::int32_t* acc,
                    [[maybe_unused]] const std::int32_t* column_offsets) noexcept {
#if defined(CTNN_DETAIL_INT8_VNNI512)
    __m512i sum[NB];
    for (auto& s : sum) s = _mm512_setzero_si512();
    const __m512i sign_bits = _mm512_set1_epi8(static_cast<char>(0x80));
    for (std::size_t g = 0; g < groups; ++g) {
      std::int32_t four;
      __builtin_memcpy(&four, x + 4 * g, 4);
      const __m512i xu = _mm512_xor_si512(_mm512_set1_epi32(four), sign_bits);  // q + 128, unsigned
      const std::uint32_t* const row = w + g * NB * lanes;
      for (std::size_t b = 0; b < NB; ++b)
        sum[b] = _mm512_dpbusd_epi32(sum[b], xu, _mm512_loadu_si512(row + b * lanes));
    }
    for (std::size_t b = 0; b < NB; ++b)
      _mm512_storeu_si512(acc + b * lanes,
                          _mm512_sub_epi32(sum[b], _mm512_loadu_si512(column_offsets + b * lanes)));
#elif defined(__AVX2__)
    __m256i sum[NB];
    for (auto& s : sum) s = _mm256_setzero_si256();
    [[maybe_unused]] const __m256i ones = _mm256_set1_epi16(1);
    for (std::size_t g = 0; g < groups; ++g) {
      std::int32_t four;
      __builtin_memcpy(&four, x + 4 * g, 4);
      const __m256i xs = _mm256_set1_epi32(four);
      const __m256i xa = _mm256_abs_epi8(xs);
      const std::uint32_t* const row = w + g * NB * lanes;
      for (std::size_t b = 0; b < NB; ++b) {
        const __m256i q = _mm256_sign_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + b * lanes)), xs);
#if defined(__AVXVNNI__)
        sum[b] = _mm256_dpbusd_avx_epi32(sum[b], xa, q);
#else
        sum[b] = _mm256_add_epi32(sum[b], _mm256_madd_epi16(_mm256_maddubs_epi16(xa, q), ones));
#endif
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
#undef CTNN_DETAIL_INT8_VNNI512
