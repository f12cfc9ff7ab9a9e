#pragma once
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <algorithm>
#include <array>
#include <cmath>
#include <type_traits>

#include <xtensor/xadapt.hpp>
#include <xtensor/xnoalias.hpp>

#include "../activations/sigmoid.hpp"
#include "../metrics/binary_accuracy.hpp"
#include "detail/cross_entropy.hpp"
#include "loss_function.hpp"

namespace ctnn::loss {

// -(y log p + (1 - y) log(1 - p)), averaged over the outputs, then over the batch, as Keras 3
// computes it (TensorFlow backend):
//   after a sigmoid (fused): from the logits, max(z, 0) - z y + log(1 + exp(-|z|)) -- exact
//     where the sigmoid has saturated -- and dL/dz = (p - y) / (n * width);
//   otherwise: the outputs clipped to [epsilon, 1 - epsilon] with float32 bounds (1e-7 and
//     0.99999988), value and gradient agreeing on where clipping starts.
struct binary_crossentropy {
  static constexpr std::string_view name = "binary_crossentropy";
  template <class OutputShape> using label_shape = OutputShape;
  using accuracy = metrics::binary_accuracy;
  template <class A> static constexpr bool fuses_with = std::is_same_v<A, sigmoid>;
  float epsilon = 1e-7f;

  template <class T>
  double value(const T* p, const T* y, std::size_t n, std::size_t width) const {
    const double lo = detail::clip_low(epsilon), hi = detail::clip_high(epsilon);
    double total = 0;
    for (std::size_t i = 0; i < n * width; ++i) {
      const double pi = std::clamp(static_cast<double>(p[i]), lo, hi);
      const double yi = y[i];
      total -= yi * std::log(pi) + (1.0 - yi) * std::log(1.0 - pi);
    }
    return total / static_cast<double>(width);
  }
  template <class T>
  void gradient(const T* p, const T* y, T* g, std::size_t n, std::size_t width) const {
    const double lo = detail::clip_low(epsilon), hi = detail::clip_high(epsilon);
    const double scale = 1.0 / static_cast<double>(n * width);
    for (std::size_t i = 0; i < n * width; ++i) {
      const double pi = p[i];
      g[i] = (pi < lo || pi > hi) ? T(0)
                                  : static_cast<T>((pi - static_cast<double>(y[i])) / (pi * (1.0 - pi)) * scale);
    }
  }
  // log(1 + exp(-|z|)) = -log(sigmoid(|z|)), and sigmoid(|z|) is p or 1 - p, at least 1/2: its
  // log is as exact as the layer's p, one log per value instead of an exp and a log.
  template <class T>
  double preactivation_value(const T* z, const T* p, const T* y, std::size_t n, std::size_t width) const {
    double total = 0;
    for (std::size_t i = 0; i < n * width; ++i) {
      const double zi = z[i], pi = p[i];
      total += std::max(zi, 0.0) - zi * static_cast<double>(y[i]) - std::log(zi >= 0 ? pi : 1.0 - pi);
    }
    return total / static_cast<double>(width);
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
