#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <type_traits>

#include <xtensor/xadapt.hpp>
#include <xtensor/xnoalias.hpp>

#include "../activations/sigmoid.hpp"
#include "../metrics/binary_accuracy.hpp"
#include "loss_function.hpp"

namespace ctnn::loss {

// -(y log p + (1 - y) log(1 - p)), averaged over the outputs, then over the batch (Keras).
// After a sigmoid the gradient is fused: dL/dz = (p - y) / (n * width).
struct binary_crossentropy {
  static constexpr std::string_view name = "binary_crossentropy";
  template <class OutputShape> using label_shape = OutputShape;
  using accuracy = metrics::binary_accuracy;
  template <class A> static constexpr bool fuses_with = std::is_same_v<A, sigmoid>;
  float epsilon = 1e-7f;

  template <class T>
  double value(const T* p, const T* y, std::size_t n, std::size_t width) const {
    double total = 0;
    for (std::size_t i = 0; i < n * width; ++i) {
      const double pi = std::clamp(static_cast<double>(p[i]), static_cast<double>(epsilon), 1.0 - epsilon);
      const double yi = y[i];
      total -= yi * std::log(pi) + (1.0 - yi) * std::log(1.0 - pi);
    }
    return total / static_cast<double>(width);
  }
  template <class T>
  void gradient(const T* p, const T* y, T* g, std::size_t n, std::size_t width) const {
    const T lo = static_cast<T>(epsilon), hi = T(1) - lo;
    const T scale = T(1) / static_cast<T>(n * width);
    for (std::size_t i = 0; i < n * width; ++i) {
      const T pi = p[i];
      g[i] = (pi < lo || pi > hi) ? T(0) : (pi - y[i]) / (pi * (T(1) - pi)) * scale;
    }
  }
  template <class T>
  void preactivation_gradient(const T* p, const T* y, T* g, std::size_t n, std::size_t width) const {
    const std::array<std::size_t, 1> sh{n * width};
    const auto tp = xt::adapt(p, n * width, xt::no_ownership(), sh);
    const auto ty = xt::adapt(y, n * width, xt::no_ownership(), sh);
    auto tg = xt::adapt(g, n * width, xt::no_ownership(), sh);
    xt::noalias(tg) = (tp - ty) * (T(1) / static_cast<T>(n * width));
  }
};

}  // namespace ctnn::loss

static_assert(ctnn::loss_function<ctnn::loss::binary_crossentropy>);
