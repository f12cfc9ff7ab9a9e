#pragma once
#include <algorithm>

#include "initializer.hpp"

namespace ctnn::init {

// Keras' default bias initializer.
struct zeros {
  static constexpr std::string_view name = "zeros";
  template <class T>
  void operator()(std::span<T> w, std::size_t, std::size_t, detail::rng&) const {
    std::fill(w.begin(), w.end(), T(0));
  }
};

}  // namespace ctnn::init

static_assert(ctnn::initializer<ctnn::init::zeros>);
