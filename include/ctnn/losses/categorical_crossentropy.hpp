#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>
#include <type_traits>

#include <xtensor/xadapt.hpp>
#include <xtensor/xnoalias.hpp>

#include "../activations/softmax.hpp"
#include "../metrics/categorical_accuracy.hpp"
#include "loss_function.hpp"

namespace ctnn::loss {

// -sum(labels * log(pred)) per sample, labels one-hot (or any distribution). Probabilities are
// clipped to [epsilon, 1 - epsilon] with Keras' epsilon 1e-7 for the value. After a softmax the
// gradient is fused: dL/dz = (pred - labels) / n, exact and stable where 1/pred is not.
struct categorical_crossentropy {
  static constexpr std::string_view name = "categorical_crossentropy";
  template <class OutputShape> using label_shape = OutputShape;
  using accuracy = metrics::categorical_accuracy;
  template <class A> static constexpr bool fuses_with = std::is_same_v<A, softmax>;
  float epsilon = 1e-7f;

  template <class T>
  double value(const T* p, const T* y, std::size_t n, std::size_t width) const {
    const double lo = epsilon, hi = 1.0 - epsilon;
    double total = 0;
    for (std::size_t i = 0; i < n * width; ++i)
      if (y[i] != T(0)) total -= static_cast<double>(y[i]) * std::log(std::clamp(static_cast<double>(p[i]), lo, hi));
    return total;
  }
  template <class T>
  void gradient(const T* p, const T* y, T* g, std::size_t n, std::size_t width) const {
    const T lo = static_cast<T>(epsilon), hi = T(1) - lo, inv_n = T(1) / static_cast<T>(n);
    for (std::size_t i = 0; i < n * width; ++i) {
      const T pi = p[i];
      g[i] = (pi < lo || pi > hi) ? T(0) : -y[i] / pi * inv_n;  // zero where clipping is active
    }
  }
  template <class T>
  void preactivation_gradient(const T* p, const T* y, T* g, std::size_t n, std::size_t width) const {
    const std::array<std::size_t, 1> sh{n * width};
    const auto tp = xt::adapt(p, n * width, xt::no_ownership(), sh);
    const auto ty = xt::adapt(y, n * width, xt::no_ownership(), sh);
    auto tg = xt::adapt(g, n * width, xt::no_ownership(), sh);
    xt::noalias(tg) = (tp - ty) * (T(1) / static_cast<T>(n));
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
