#pragma once
#include <cmath>

#include "initializer.hpp"

namespace ctnn::init {

// Keras' HeNormal: a normal truncated at two standard deviations, scaled so that the truncated
// distribution has standard deviation sqrt(2 / fan_in).
struct he_normal {
  static constexpr std::string_view name = "he_normal";
  template <class T>
  void operator()(std::span<T> w, std::size_t fan_in, std::size_t, detail::rng& r) const {
    // 0.8796... is the standard deviation of a standard normal truncated to [-2, 2].
    const double stddev = std::sqrt(2.0 / static_cast<double>(fan_in)) / 0.87962566103423978;
    for (auto& v : w) v = static_cast<T>(stddev * r.truncated_normal());
  }
};

}  // namespace ctnn::init

static_assert(ctnn::initializer<ctnn::init::he_normal>);
