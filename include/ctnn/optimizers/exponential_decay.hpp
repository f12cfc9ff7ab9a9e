#pragma once
#include <cmath>
#include <cstdint>

#include "learning_rate_schedule.hpp"

namespace ctnn::optim {

// Keras' ExponentialDecay: initial_learning_rate * decay_rate ^ (step / decay_steps), the
// exponent floored when staircase.
struct exponential_decay {
  float initial_learning_rate = 0.01f;
  std::uint64_t decay_steps = 1000;
  float decay_rate = 0.96f;
  bool staircase = false;

  float operator()(std::uint64_t step) const {
    double p = static_cast<double>(step) / static_cast<double>(decay_steps);
    if (staircase) p = std::floor(p);
    return static_cast<float>(initial_learning_rate * std::pow(static_cast<double>(decay_rate), p));
  }
};

}  // namespace ctnn::optim

static_assert(ctnn::learning_rate_schedule<ctnn::optim::exponential_decay>);
