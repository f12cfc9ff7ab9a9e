#pragma once
#include <cmath>

#include "initializer.hpp"

namespace ctnn::init {

// Keras' default kernel initializer: U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)).
struct glorot_uniform {
  static constexpr std::string_view name = "glorot_uniform";
  template <class T>
  void operator()(std::span<T> w, std::size_t fan_in, std::size_t fan_out, detail::rng& r) const {
    const double limit = std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
    for (auto& v : w) v = static_cast<T>(r.uniform(-limit, limit));
  }
};

}  // namespace ctnn::init

static_assert(ctnn::initializer<ctnn::init::glorot_uniform>);
