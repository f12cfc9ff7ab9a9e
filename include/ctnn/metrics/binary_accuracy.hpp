#pragma once
#include <cstddef>

namespace ctnn::metrics {

// Every output is a yes/no prediction thresholded at 0.5, as Keras' binary_accuracy.
struct binary_accuracy {
  template <class T>
  static std::size_t correct(const T* pred, const T* labels, std::size_t n, std::size_t width) {
    std::size_t hits = 0;
    for (std::size_t i = 0; i < n * width; ++i) hits += (pred[i] > T(0.5)) == (labels[i] > T(0.5));
    return hits;
  }
  static std::size_t count(std::size_t n, std::size_t width) { return n * width; }
};

}  // namespace ctnn::metrics
