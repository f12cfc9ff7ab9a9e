#pragma once
#include <cmath>
#include <cstddef>
#include <span>

#include "regularizer.hpp"

namespace ctnn::regularizers {

// Keras' L1: l1 * sum(|w|); gradient l1 * sign(w) (0 at 0).
struct l1 {
  float l1 = 0.01f;
  template <class T>
  double penalty(std::span<const T> w) const {
    double s = 0;
    for (T v : w) s += std::abs(static_cast<double>(v));
    return l1 * s;
  }
  template <class T>
  void add_gradient(std::span<const T> w, std::span<T> g) const {
    const T a = static_cast<T>(l1);
    for (std::size_t i = 0; i < w.size(); ++i) g[i] += w[i] > T(0) ? a : (w[i] < T(0) ? -a : T(0));
  }
};

}  // namespace ctnn::regularizers

static_assert(ctnn::regularizer<ctnn::regularizers::l1>);
