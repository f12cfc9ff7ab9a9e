#pragma once
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <array>

#include <xtensor/xadapt.hpp>
#include <xtensor/xnoalias.hpp>

#include "../metrics/categorical_accuracy.hpp"
#include "loss_function.hpp"

namespace ctnn::loss {

// Mean over the outputs of (pred - label)^2, averaged over the batch (Keras' MSE).
// Its "accuracy" is categorical (argmax) accuracy: Keras' exact-equality metric says nothing
// for real-valued outputs.
struct mean_squared_error {
  static constexpr std::string_view name = "mean_squared_error";
  template <class OutputShape> using label_shape = OutputShape;
  using accuracy = metrics::categorical_accuracy;

  template <class T>
  double value(const T* p, const T* y, std::size_t n, std::size_t width) const {
    double total = 0;
    for (std::size_t i = 0; i < n * width; ++i) {
      const double d = static_cast<double>(p[i]) - static_cast<double>(y[i]);
      total += d * d;
    }
    return total / static_cast<double>(width);
  }
  template <class T>
  void gradient(const T* p, const T* y, T* g, std::size_t n, std::size_t width) const {
    const std::array<std::size_t, 1> sh{n * width};
    const auto tp = xt::adapt(p, n * width, xt::no_ownership(), sh);
    const auto ty = xt::adapt(y, n * width, xt::no_ownership(), sh);
    auto tg = xt::adapt(g, n * width, xt::no_ownership(), sh);
    xt::noalias(tg) = (tp - ty) * static_cast<T>(2.0 / static_cast<double>(n * width));
  }
};

}  // namespace ctnn::loss

static_assert(ctnn::loss_function<ctnn::loss::mean_squared_error>);
