#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>

#include "activation.hpp"

namespace ctnn {

// Softmax over the last axis. Row-wise rather than element-wise, so it works on raw rows; the
// usual pairing with categorical cross-entropy skips backward_rows entirely (the loss hands
// the layer dL/dz = p - y directly, see losses/categorical_crossentropy.hpp).
struct softmax {
  static constexpr std::string_view name = "softmax";
  static constexpr bool elementwise = false;

  // y may alias z.
  template <class T>
  void forward_rows(const T* z, T* y, std::size_t rows, std::size_t width) const {
    for (std::size_t r = 0; r < rows; ++r, z += width, y += width) {
      const T m = *std::max_element(z, z + width);  // shift for stability
      T sum = 0;
      for (std::size_t j = 0; j < width; ++j) sum += (y[j] = std::exp(z[j] - m));
      const T inv = T(1) / sum;
      for (std::size_t j = 0; j < width; ++j) y[j] *= inv;
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
