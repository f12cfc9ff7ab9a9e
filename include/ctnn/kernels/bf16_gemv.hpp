#pragma once
// y = x W for one sample with W (In x Out) stored in bfloat16: half the bytes of float weights,
// which is what a batch-1 product spends its time reading. bf16 is a float's upper 16 bits, so a
// stored value becomes a float exactly by a shift; the products and their sums are float32
// multiply-adds, the sums of a column in row order from zero.
//
// Layout (detail/gemv_panels.hpp): one 32-bit word holds two columns' weights of a row, column
// c of a block in the word's upper half and column c + L in its lower half (L floats a batch), so
// one load gives 2 L weights and a mask and a shift make them two float batches, no shuffle.
// Blocks of 2 L columns, panels of 4 blocks: 8 batches of sums in registers.
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "detail/gemv_panels.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn::kernels {

// The bfloat16 nearest to v (ties to even), as its 16 bits; a NaN stays a (quiet) NaN.
inline std::uint16_t to_bf16(float v) noexcept {
  const std::uint32_t u = std::bit_cast<std::uint32_t>(v);
  if (std::isnan(v)) return static_cast<std::uint16_t>((u >> 16) | 0x40u);
  return static_cast<std::uint16_t>((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16);
}
inline float from_bf16(std::uint16_t h) noexcept { return std::bit_cast<float>(std::uint32_t{h} << 16); }

template <std::size_t In, std::size_t Out>
struct bf16_gemv {
  static constexpr std::size_t lanes = xsimd::batch<float>::size;
  using panels = detail::gemv_panels<In, Out, 2 * lanes, lanes, 4>;
  static constexpr std::size_t words = panels::words;
  // The sums' buffer: whole blocks, so the kernel stores whole batches.
  static constexpr std::size_t padded_columns = panels::blocks * 2 * lanes;

  // w: words of storage; kernel: (In x Out) floats, row-major (Keras' layout).
  static void pack(const float* kernel, std::uint32_t* w) noexcept {
    for (std::size_t r = 0; r < In; ++r)
      for (std::size_t b = 0; b < panels::blocks; ++b)
        for (std::size_t t = 0; t < lanes; ++t) {
          const std::size_t hi = b * 2 * lanes + t, lo = hi + lanes;
          const std::uint32_t h = hi < Out ? to_bf16(kernel[r * Out + hi]) : 0u;
          const std::uint32_t l = lo < Out ? to_bf16(kernel[r * Out + lo]) : 0u;
          w[panels::word(r, b, t)] = (h << 16) | l;
        }
  }
  // The weight of row r, column c, as stored (for tests and for checking a packing).
  static float weight(const std::uint32_t* w, std::size_t r, std::size_t c) noexcept {
    const std::size_t b = c / (2 * lanes), t = c % (2 * lanes);
    const std::uint32_t word = w[panels::word(r, b, t % lanes)];
    return std::bit_cast<float>(t < lanes ? word & 0xFFFF0000u : word << 16);
  }

  // sums[c] = sum over r of x[r] w[r, c], for c < padded_columns (zero past Out).
  static void apply(const float* x, const std::uint32_t* w, float* sums) noexcept {
    for (std::size_t p = 0; p < panels::panels; ++p)
      detail::with_block_count<4>(panels::blocks_of(p), [&](auto nb) {
        panel<nb()>(x, w + panels::panel_start(p), sums + p * 4 * 2 * lanes);
      });
  }

 private:
  template <std::size_t NB>
  static void panel(const float* x, const std::uint32_t* w, float* sums) noexcept {
    using fb = xsimd::batch<float>;
    using ub = xsimd::batch<std::uint32_t>;
    fb acc[2 * NB];
    for (auto& a : acc) a = fb(0.0f);
    const ub upper(0xFFFF0000u);
    for (std::size_t r = 0; r < In; ++r) {
      const fb xr(x[r]);
      const std::uint32_t* const row = w + r * NB * lanes;
      for (std::size_t b = 0; b < NB; ++b) {
        const ub v = ub::load_unaligned(row + b * lanes);
        acc[2 * b] = xsimd::fma(xr, xsimd::bitwise_cast<fb>(v & upper), acc[2 * b]);
        acc[2 * b + 1] = xsimd::fma(xr, xsimd::bitwise_cast<fb>(v << 16), acc[2 * b + 1]);
      }
    }
    for (std::size_t k = 0; k < 2 * NB; ++k) acc[k].store_unaligned(sums + k * lanes);
  }
};

}  // namespace ctnn::kernels
CTNN_DETAIL_SIMD_END
