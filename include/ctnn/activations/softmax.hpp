#pragma once
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <type_traits>


#include "activation.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn {

// Softmax over the last axis. Row-wise rather than element-wise, so it works on raw rows; the
// usual pairing with categorical cross-entropy skips backward_rows entirely (the loss hands
// the layer dL/dz = p - y directly, see losses/categorical_crossentropy.hpp).
struct softmax {
  static constexpr std::string_view name = "softmax";
  static constexpr bool elementwise = false;

  // y may alias z. float rows at least two SIMD batches wide run in batches (xsimd::exp); narrower
  // ones (10 classes on AVX-512) and other types one value at a time (std::exp), which was
  // faster there than a padded batch.
  template <class T>
  void forward_rows(const T* z, T* y, std::size_t rows, std::size_t width) const {
    if constexpr (std::is_same_v<T, float>) {
      if (width >= 2 * xsimd::batch<float>::size) {
        forward_rows_simd(z, y, rows, width);
        return;
      }
    }
    for (std::size_t r = 0; r < rows; ++r, z += width, y += width) {
      const T m = *std::max_element(z, z + width);  // shift for stability
      T sum = 0;
      for (std::size_t j = 0; j < width; ++j) sum += (y[j] = std::exp(z[j] - m));
      const T inv = T(1) / sum;
      for (std::size_t j = 0; j < width; ++j) y[j] *= inv;
    }
  }
  // The row's last width % batch-size values go through one padded batch: -inf lanes add
  // exp(-inf) = 0 to the sum.
  static void forward_rows_simd(const float* z, float* y, std::size_t rows, std::size_t width) {
    using batch = xsimd::batch<float>;
    constexpr std::size_t w = batch::size;
    constexpr float lowest = -std::numeric_limits<float>::infinity();
    const std::size_t full = width / w * w, tail = width - full;
    alignas(64) float lanes[w];
    for (std::size_t r = 0; r < rows; ++r, z += width, y += width) {
      batch top(lowest);
      for (std::size_t j = 0; j < full; j += w) top = xsimd::max(top, batch::load_unaligned(z + j));
      top.store_aligned(lanes);
      float m = *std::max_element(lanes, lanes + w);  // shift for stability
      for (std::size_t j = full; j < width; ++j) m = std::max(m, z[j]);
      const batch shift(m);
      batch sum(0.0f);
      for (std::size_t j = 0; j < full; j += w) {
        const batch e = xsimd::exp(batch::load_unaligned(z + j) - shift);
        e.store_unaligned(y + j);
        sum += e;
      }
      if (tail > 0) {
        std::fill(lanes, lanes + w, lowest);
        std::copy_n(z + full, tail, lanes);
        const batch e = xsimd::exp(batch::load_aligned(lanes) - shift);
        e.store_aligned(lanes);
        std::copy_n(lanes, tail, y + full);
        sum += e;
      }
      const float inv = 1.0f / xsimd::hadd(sum);
      for (std::size_t j = 0; j < full; j += w)
        (batch::load_unaligned(y + j) * batch(inv)).store_unaligned(y + j);
      for (std::size_t j = full; j < width; ++j) y[j] *= inv;
    }
  }

  // dz = y * (dy - sum(dy * y)) per row; dz may alias dy.
  template <class T>
  void backward_rows(const T* y, const T* dy, T* dz, std::size_t rows, std::size_t width) const {
    for (std::size_t r = 0; r < rows; ++r, y += width, dy += width, dz += width) {
      T dot = 0;
      for (std::size_t j = 0; j < width; ++j) dot += dy[j] * y[j];
      for (std::size_t j = 0; j < width; ++j) dz[j] = y[j] * (dy[j] - dot);
    }
  }
};

}  // namespace ctnn
CTNN_DETAIL_SIMD_END
