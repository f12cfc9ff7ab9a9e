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

// log(sum(exp(z))) of a row whose softmax p the layer has computed: log p_k = z_k - lse(z) for
// every k, and for the largest p_k (at least 1 / width, so never underflowing) its log is as
// exact as p_k itself. One log per row instead of width exponentials.
template <class T>
double log_sum_exp(const T* z, const T* p, std::size_t width) noexcept {
  std::size_t k = 0;
  for (std::size_t j = 1; j < width; ++j)
    if (p[j] > p[k]) k = j;
  return static_cast<double>(z[k]) - std::log(static_cast<double>(p[k]));
}

}  // namespace ctnn::loss::detail
