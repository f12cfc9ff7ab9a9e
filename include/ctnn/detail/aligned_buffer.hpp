#pragma once
// A float buffer aligned for the widest SIMD register, allocated once and never resized
// implicitly: the model's parameter, gradient and workspace arenas.
#include <cstddef>
#include <span>
#include <vector>

#include <xsimd/xsimd.hpp>

namespace ctnn::detail {

// 64 bytes: a cache line, and enough for AVX-512 loads.
inline constexpr std::size_t buffer_alignment = 64;
using aligned_vector = std::vector<float, xsimd::aligned_allocator<float, buffer_alignment>>;

// Rounds a float count up so that consecutive slices of an arena stay aligned.
constexpr std::size_t aligned_count(std::size_t n) {
  constexpr std::size_t step = buffer_alignment / sizeof(float);
  return (n + step - 1) / step * step;
}

}  // namespace ctnn::detail
