#pragma once
// What the cross-entropy losses share: Keras' clipping bounds and the row reductions.
#include <algorithm>
#include <cmath>
#include <cstddef>

namespace ctnn::loss::detail {

// [epsilon, 1 - epsilon] as TensorFlow clips a float32 tensor: both bounds are float32 values,
// so 1 - 1e-7 is 0.99999988, not 0.9999999.
inline double clip_low(float epsilon) noexcept { return static_cast<double>(epsilon); }
inline double clip_high(float epsilon) noexcept { return static_cast<double>(1.0f - epsilon); }

template <class T>
double row_sum(const T* p, std::size_t width) noexcept {
  double s = 0;
  for (std::size_t j = 0; j < width; ++j) s += static_cast<double>(p[j]);
  return s;
}

// log(sum(exp(z))), shifted by the largest z so that nothing overflows.
template <class T>
double log_sum_exp(const T* z, std::size_t width) noexcept {
  double top = static_cast<double>(z[0]);
  for (std::size_t j = 1; j < width; ++j) top = std::max(top, static_cast<double>(z[j]));
  double s = 0;
  for (std::size_t j = 0; j < width; ++j) s += std::exp(static_cast<double>(z[j]) - top);
  return top + std::log(s);
}

}  // namespace ctnn::loss::detail
