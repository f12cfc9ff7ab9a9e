#pragma once
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "../activations/softmax.hpp"
#include "../metrics/categorical_accuracy.hpp"
#include "detail/cross_entropy.hpp"
#include "loss_function.hpp"

namespace ctnn::loss {

// Keras' categorical cross-entropy, -sum(labels * log(pred)) per sample, labels any rows of
// probabilities (one-hot, soft, multi-hot), as Keras 3 computes it (TensorFlow backend):
//   after a softmax (fused): from the logits z the softmax saw, sum(y) lse(z) - sum(y z) -- no
//     clipping, so a saturated softmax reports its true loss -- and dL/dz = (p sum(y) - y) / n;
//   otherwise: each row divided by its sum, clipped to [epsilon, 1 - epsilon] (float32 bounds:
//     1e-7 and 0.99999988), -sum(y log q), with the gradient of exactly that.
struct categorical_crossentropy {
  static constexpr std::string_view name = "categorical_crossentropy";
  template <class OutputShape> using label_shape = OutputShape;
  using accuracy = metrics::categorical_accuracy;
  template <class A> static constexpr bool fuses_with = std::is_same_v<A, softmax>;
  float epsilon = 1e-7f;

  template <class T>
  double value(const T* p, const T* y, std::size_t n, std::size_t width) const {
    const double lo = detail::clip_low(epsilon), hi = detail::clip_high(epsilon);
    double total = 0;
    for (std::size_t r = 0; r < n; ++r) {
      const T* pr = p + r * width;
      const T* yr = y + r * width;
      const double sum = detail::row_sum(pr, width);
      for (std::size_t j = 0; j < width; ++j)
        if (yr[j] != T(0)) total -= static_cast<double>(yr[j]) * std::log(std::clamp(static_cast<double>(pr[j]) / sum, lo, hi));
    }
    return total;
  }
  // With q = p / sum(p) and g_j = dL/dq_j = -y_j / q_j (zero where q_j is clipped):
  // dL/dp_i = (g_i - sum_j g_j q_j) / sum(p), where g_j q_j is just -y_j; over n for the mean.
  template <class T>
  void gradient(const T* p, const T* y, T* g, std::size_t n, std::size_t width) const {
    const double lo = detail::clip_low(epsilon), hi = detail::clip_high(epsilon);
    for (std::size_t r = 0; r < n; ++r) {
      const T* pr = p + r * width;
      const T* yr = y + r * width;
      const double sum = detail::row_sum(pr, width);
      const auto inside = [&](std::size_t j) {
        const double q = static_cast<double>(pr[j]) / sum;
        return q >= lo && q <= hi;
      };
      double dot = 0;
      for (std::size_t j = 0; j < width; ++j)
        if (inside(j)) dot -= static_cast<double>(yr[j]);
      for (std::size_t j = 0; j < width; ++j) {
        const double dq = inside(j) ? -static_cast<double>(yr[j]) * sum / static_cast<double>(pr[j]) : 0.0;
        g[r * width + j] = static_cast<T>((dq - dot) / (sum * static_cast<double>(n)));
      }
    }
  }
  template <class T>
  double preactivation_value(const T* z, const T* p, const T* y, std::size_t n, std::size_t width) const {
    double total = 0;
    for (std::size_t r = 0; r < n; ++r) {
      const T* zr = z + r * width;
      const T* yr = y + r * width;
      const double lse = detail::log_sum_exp(zr, p + r * width, width);
      for (std::size_t j = 0; j < width; ++j)
        if (yr[j] != T(0)) total += static_cast<double>(yr[j]) * (lse - static_cast<double>(zr[j]));
    }
    return total;
  }
  template <class T>
  void preactivation_gradient(const T* p, const T* y, T* g, std::size_t n, std::size_t width) const {
    const T inv_n = T(1) / static_cast<T>(n);
    for (std::size_t r = 0; r < n; ++r) {
      T label_sum = 0;
      for (std::size_t j = 0; j < width; ++j) label_sum += y[r * width + j];
      for (std::size_t j = 0; j < width; ++j) {
        const std::size_t i = r * width + j;
        g[i] = (p[i] * label_sum - y[i]) * inv_n;
      }
    }
  }

  // Called by fit/evaluate/train_on_batch before any work: every label must be a probability,
  // finite and in [0, 1] (a NaN label would otherwise train on silently through the fused
  // gradient). Rows need not sum to 1.
  template <class T>
  void validate_labels(const T* y, std::size_t n, std::size_t width) const {
    for (std::size_t i = 0; i < n * width; ++i)
      if (!(y[i] >= T(0) && y[i] <= T(1)))
        throw std::invalid_argument("ctnn::loss::categorical_crossentropy: label " + std::to_string(y[i]) +
                                    " (class " + std::to_string(i % width) + " of sample " + std::to_string(i / width) +
                                    ") is not a probability in [0, 1]");
  }
};

}  // namespace ctnn::loss

static_assert(ctnn::loss_function<ctnn::loss::categorical_crossentropy>);
