#pragma once
#include <cstddef>
#include <span>

#include "regularizer.hpp"

namespace ctnn::regularizers {

// Keras' L2: l2 * sum(w^2); gradient 2 * l2 * w.
struct l2 {
  float l2 = 0.01f;
  template <class T>
  double penalty(std::span<const T> w) const {
    double s = 0;
    for (T v : w) s += static_cast<double>(v) * static_cast<double>(v);
    return l2 * s;
  }
  template <class T>
  void add_gradient(std::span<const T> w, std::span<T> g) const {
    const T a = static_cast<T>(2 * static_cast<double>(l2));
    for (std::size_t i = 0; i < w.size(); ++i) g[i] += a * w[i];
  }
};

}  // namespace ctnn::regularizers

static_assert(ctnn::regularizer<ctnn::regularizers::l2>);
