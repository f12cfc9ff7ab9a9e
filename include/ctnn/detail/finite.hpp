#pragma once
// The NaN guard's checks: one vectorized pass that finds the first value that is NaN, infinite
// or larger in magnitude than a limit.
#include "xsimd.hpp"  // first: see detail/xsimd.hpp
#include <cmath>
#include <cstddef>


namespace ctnn::detail {

// The largest gradient magnitude the model hands an optimizer. With |g| <= 2^63, g*g <= 2^126
// stays below float32's largest value (about 2^128), so every built-in optimizer's state (sums of
// g and g*g) and step stay finite; a larger gradient is an explosion, and training stops on it.
inline constexpr float gradient_limit = 0x1p63f;

// The index of the first p[i] that is NaN or has |p[i]| > limit (infinities included); n when
// there is none. `!(|x| <= limit)` is true for NaN, so one comparison covers both.
inline std::size_t first_out_of_range(const float* p, std::size_t n, float limit) noexcept {
  using batch = xsimd::batch<float>;
  constexpr std::size_t w = batch::size;
  const batch bound(limit);
  auto ok = xsimd::batch_bool<float>(true);
  std::size_t i = 0;
  for (; i + w <= n; i += w) ok = ok & (xsimd::abs(batch::load_unaligned(p + i)) <= bound);
  bool all = xsimd::all(ok);
  for (std::size_t j = i; j < n; ++j) all = all && std::fabs(p[j]) <= limit;
  if (all) return n;
  for (std::size_t j = 0; j < n; ++j)  // the failure path only: find where
    if (!(std::fabs(p[j]) <= limit)) return j;
  return n;
}

// The index of the first row of a rows x width block holding a NaN or an infinity; rows if none.
inline std::size_t first_non_finite_row(const float* p, std::size_t rows, std::size_t width) noexcept {
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t j = 0; j < width; ++j)
      if (!std::isfinite(p[r * width + j])) return r;
  return rows;
}

}  // namespace ctnn::detail
