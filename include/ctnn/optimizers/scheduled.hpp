#pragma once
// ctnn::optim::scheduled<Optimizer, Schedule>: an optimizer whose learning rate follows a
// schedule, as Keras' `RMSprop(learning_rate=ExponentialDecay(...))`:
//   ctnn::model<net, loss, ctnn::optim::scheduled<ctnn::optim::sgd, ctnn::optim::exponential_decay>>
//       model{{.optimizer = {.momentum = 0.9f}, .schedule = {.initial_learning_rate = 0.1f}}};
// learning_rate mirrors the rate of the latest update (what callbacks and the history see).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "learning_rate_schedule.hpp"
#include "optimizer.hpp"

namespace ctnn::optim {

template <ctnn::optimizer Optimizer, learning_rate_schedule Schedule>
struct scheduled {
  Optimizer optimizer{};
  Schedule schedule{};
  // The rate of the latest update, for callbacks and the history; the schedule overrides any
  // value written here (as Keras rejects ReduceLROnPlateau with a schedule).
  mutable float learning_rate = schedule(0);

  static constexpr std::string_view name = Optimizer::name;

  std::size_t state_slots() const { return optimizer.state_slots(); }
  std::size_t state_size(std::size_t parameter_count) const { return ctnn::detail::state_size(*this, parameter_count); }

  decltype(auto) update(std::span<float> params, std::span<const float> grads, std::span<float> state,
                        std::uint64_t step) const {
    Optimizer at_step = optimizer;  // a few floats: cheap next to the pass over the parameters
    at_step.learning_rate = learning_rate = schedule(step - 1);
    return at_step.update(params, grads, state, step);
  }
};

}  // namespace ctnn::optim
