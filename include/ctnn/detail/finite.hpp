#pragma once
// The NaN guard's checks, one test for batches and scalars alike: within(v, limit) is |v| <= limit
// lane by lane (false for NaN, so one comparison covers NaN, the infinities and magnitudes over
// the limit), is_finite(v) the same with float's largest value, and first_out_of_range one
// vectorized pass with it over an array.
#include "xsimd.hpp"  // first: see detail/xsimd.hpp
#include <cmath>
#include <cstddef>
#include <limits>
#include <type_traits>


namespace ctnn::detail {

// The largest gradient magnitude the model hands an optimizer. With |g| <= 2^63, g*g <= 2^126
// stays below float32's largest value (about 2^128), so every built-in optimizer's state (sums of
// g and g*g) and step stay finite; a larger gradient is an explosion, and training stops on it.
inline constexpr float gradient_limit = 0x1p63f;

// A batch_bool for batches, a bool for scalars (float or double).
template <class V>
auto within(const V& v, float limit) noexcept {
  if constexpr (std::is_arithmetic_v<V>) return std::fabs(v) <= static_cast<V>(limit);
  else return xsimd::abs(v) <= V(limit);
}
template <class V>
auto is_finite(const V& v) noexcept {
  return within(v, std::numeric_limits<float>::max());
}
// Every one of values finite, one mask: lane by lane (&) for batches, && for scalars (bool & bool
// is what clang's -Wbitwise-instead-of-logical refuses in a user's -Werror build).
template <class... V>
auto all_finite(const V&... values) noexcept {
  if constexpr ((std::is_arithmetic_v<V> && ...)) return (is_finite(values) && ...);
  else return (is_finite(values) & ...);
}
// (For scalars a mask is a bool, or an int after bool & bool.)
template <class M>
bool all_of(const M& mask) noexcept {
  if constexpr (std::is_arithmetic_v<M>) return mask != 0;
  else return xsimd::all(mask);
}

// The index of the first p[i] that is NaN or has |p[i]| > limit (infinities included); n when
// there is none. `!(|x| <= limit)` is true for NaN, so one comparison covers both.
inline std::size_t first_out_of_range(const float* p, std::size_t n, float limit) noexcept {
  using batch = xsimd::batch<float>;
  constexpr std::size_t w = batch::size;
  auto ok = xsimd::batch_bool<float>(true);
  std::size_t i = 0;
  for (; i + w <= n; i += w) ok = ok & within(batch::load_unaligned(p + i), limit);
  bool all = xsimd::all(ok);
  for (std::size_t j = i; j < n; ++j) all = all && within(p[j], limit);
  if (all) return n;
  for (std::size_t j = 0; j < n; ++j)  // the failure path only: find where
    if (!within(p[j], limit)) return j;
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
