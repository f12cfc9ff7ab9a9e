#pragma once
#include <algorithm>
#include <cstddef>

namespace ctnn::metrics {

// Labels are class indices (one value per sample); compared with the predicted argmax.
struct sparse_categorical_accuracy {
  template <class T>
  static std::size_t correct(const T* pred, const T* labels, std::size_t n, std::size_t width) {
    std::size_t hits = 0;
    for (std::size_t r = 0; r < n; ++r, pred += width)
      hits += static_cast<std::size_t>(std::max_element(pred, pred + width) - pred) ==
              static_cast<std::size_t>(labels[r]);
    return hits;
  }
  static std::size_t count(std::size_t n, std::size_t) { return n; }
};

}  // namespace ctnn::metrics
