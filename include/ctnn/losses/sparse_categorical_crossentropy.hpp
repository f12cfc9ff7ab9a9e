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
#include "detail/cross_entropy.hpp"
#include "loss_function.hpp"

namespace ctnn::loss {

// Categorical cross-entropy with labels given as class indices c, one per sample, as Keras 3
// computes it (TensorFlow backend):
//   after a softmax (fused): from the logits, lse(z) - z_c, and dL/dz = (p - onehot(c)) / n;
//   otherwise: the outputs clipped to [epsilon, 1 - epsilon] (float32 bounds), their logs taken
//     as logits: -log(q_c / sum(q)), so rows that do not sum to 1 are normalized (after the
//     clipping, where categorical_crossentropy normalizes before it).
struct sparse_categorical_crossentropy {
  static constexpr std::string_view name = "sparse_categorical_crossentropy";
  template <class OutputShape> using label_shape = shape<1>;
  using accuracy = metrics::sparse_categorical_accuracy;
  template <class A> static constexpr bool fuses_with = std::is_same_v<A, softmax>;
  float epsilon = 1e-7f;

  template <class T>
  double value(const T* p, const T* y, std::size_t n, std::size_t width) const {
    const double lo = detail::clip_low(epsilon), hi = detail::clip_high(epsilon);
    double total = 0;
    for (std::size_t r = 0; r < n; ++r) {
      const T* pr = p + r * width;
      double sum = 0;
      for (std::size_t j = 0; j < width; ++j) sum += std::clamp(static_cast<double>(pr[j]), lo, hi);
      total += std::log(sum) - std::log(std::clamp(static_cast<double>(pr[index(y[r], width)]), lo, hi));
    }
    return total;
  }
  // dL/dp_j = 1 / sum(q) - [j == c] / q_c where p_j lies within the bounds, 0 where clipped.
  template <class T>
  void gradient(const T* p, const T* y, T* g, std::size_t n, std::size_t width) const {
    const double lo = detail::clip_low(epsilon), hi = detail::clip_high(epsilon);
    for (std::size_t r = 0; r < n; ++r) {
      const T* pr = p + r * width;
      T* gr = g + r * width;
      double sum = 0;
      for (std::size_t j = 0; j < width; ++j) sum += std::clamp(static_cast<double>(pr[j]), lo, hi);
      const std::size_t c = index(y[r], width);
      for (std::size_t j = 0; j < width; ++j) {
        const double q = static_cast<double>(pr[j]);
        const double d = (q < lo || q > hi) ? 0.0 : 1.0 / sum - (j == c ? 1.0 / q : 0.0);
        gr[j] = static_cast<T>(d / static_cast<double>(n));
      }
    }
  }
  template <class T>
  double preactivation_value(const T* z, const T* p, const T* y, std::size_t n, std::size_t width) const {
    double total = 0;
    for (std::size_t r = 0; r < n; ++r)
      total += detail::log_sum_exp(z + r * width, p + r * width, width) -
               static_cast<double>(z[r * width + index(y[r], width)]);
    return total;
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
