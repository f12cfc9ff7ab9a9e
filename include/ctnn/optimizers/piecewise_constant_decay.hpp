#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "learning_rate_schedule.hpp"

namespace ctnn::optim {

// Keras' PiecewiseConstantDecay: values[0] while step <= boundaries[0], values[1] while
// step <= boundaries[1], ..., values.back() after the last boundary.
struct piecewise_constant_decay {
  std::vector<std::uint64_t> boundaries;
  std::vector<float> values;

  float operator()(std::uint64_t step) const {
    if (values.size() != boundaries.size() + 1)
      throw std::invalid_argument("ctnn::optim::piecewise_constant_decay: needs one more value than boundaries (" +
                                  std::to_string(values.size()) + " values, " +
                                  std::to_string(boundaries.size()) + " boundaries)");
    std::size_t i = 0;
    while (i < boundaries.size() && step > boundaries[i]) ++i;
    return values[i];
  }
};

}  // namespace ctnn::optim

static_assert(ctnn::learning_rate_schedule<ctnn::optim::piecewise_constant_decay>);
