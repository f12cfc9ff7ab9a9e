#pragma once
// The parameter side of every layer without parameters (activations, pooling, flatten, dropout,
// noise, ...): an empty slice of the arena and nothing to initialize. Such a bound layer inherits
// it and declares only its shapes, its kind and its passes.
#include <array>
#include <cstddef>
#include <span>

#include "../../core/layer.hpp"
#include "../../detail/random.hpp"

namespace ctnn::detail {

struct no_parameters {
  static constexpr std::size_t parameter_count = 0;
  static constexpr std::size_t parameter_storage = 0;
  static constexpr std::array<parameter_info, 0> parameters{};
  template <class T> void initialize(std::span<T>, rng&) const {}
};

}  // namespace ctnn::detail
