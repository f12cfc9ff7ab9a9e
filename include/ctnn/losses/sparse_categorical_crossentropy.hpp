#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "../activations/softmax.hpp"
#include "../core/shape.hpp"
#include "../metrics/sparse_categorical_accuracy.hpp"
#include "loss_function.hpp"

namespace ctnn::loss {

// Categorical cross-entropy with labels given as class indices: one value per sample.
struct sparse_categorical_crossentropy {
  static constexpr std::string_view name = "sparse_categorical_crossentropy";
  template <class OutputShape> using label_shape = shape<1>;
  using accuracy = metrics::sparse_categorical_accuracy;
  template <class A> static constexpr bool fuses_with = std::is_same_v<A, softmax>;
  float epsilon = 1e-7f;

  template <class T>
  double value(const T* p, const T* y, std::size_t n, std::size_t width) const {
    double total = 0;
    for (std::size_t r = 0; r < n; ++r)
      total -= std::log(std::clamp(static_cast<double>(p[r * width + index(y[r], width)]),
                                   static_cast<double>(epsilon), 1.0 - epsilon));
    return total;
  }
  template <class T>
  void gradient(const T* p, const T* y, T* g, std::size_t n, std::size_t width) const {
    const T lo = static_cast<T>(epsilon), hi = T(1) - lo, inv_n = T(1) / static_cast<T>(n);
    std::fill(g, g + n * width, T(0));
    for (std::size_t r = 0; r < n; ++r) {
      const std::size_t i = r * width + index(y[r], width);
      g[i] = (p[i] < lo || p[i] > hi) ? T(0) : -inv_n / p[i];
    }
  }
  template <class T>
  void preactivation_gradient(const T* p, const T* y, T* g, std::size_t n, std::size_t width) const {
    const T inv_n = T(1) / static_cast<T>(n);
    for (std::size_t i = 0; i < n * width; ++i) g[i] = p[i] * inv_n;
    for (std::size_t r = 0; r < n; ++r) g[r * width + index(y[r], width)] -= inv_n;
  }

  // Called by fit/evaluate before any work: every label must be a class index in [0, width).
  template <class T>
  void validate_labels(const T* y, std::size_t n, std::size_t width) const {
    for (std::size_t r = 0; r < n; ++r)
      if (!(y[r] >= T(0) && y[r] < static_cast<T>(width) && y[r] == std::floor(y[r])))
        throw std::invalid_argument("ctnn::loss::sparse_categorical_crossentropy: label " +
                                    std::to_string(y[r]) + " of sample " + std::to_string(r) +
                                    " is not a class index in [0, " + std::to_string(width) + ")");
  }

 private:
  // Labels outside [0, width) are clamped here; fit() rejects them before training starts.
  template <class T>
  static std::size_t index(T label, std::size_t width) {
    const auto i = static_cast<std::size_t>(label < T(0) ? T(0) : label);
    return i < width ? i : width - 1;
  }
};

}  // namespace ctnn::loss

static_assert(ctnn::loss_function<ctnn::loss::sparse_categorical_crossentropy>);
