#pragma once
#include <algorithm>
#include <cstddef>

namespace ctnn::metrics {

// A sample counts as right when the predicted and the true class (argmax) agree.
struct categorical_accuracy {
  template <class T>
  static std::size_t correct(const T* pred, const T* labels, std::size_t n, std::size_t width) {
    std::size_t hits = 0;
    for (std::size_t r = 0; r < n; ++r, pred += width, labels += width)
      hits += std::max_element(pred, pred + width) - pred ==
              std::max_element(labels, labels + width) - labels;
    return hits;
  }
  static std::size_t count(std::size_t n, std::size_t) { return n; }
};

}  // namespace ctnn::metrics
