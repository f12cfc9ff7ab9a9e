#pragma once
// The learning-rate schedule policy (Keras' LearningRateSchedule): s(iterations) -> learning
// rate, where iterations counts the updates made before this one (0 for the first).
#include <concepts>
#include <cstdint>

namespace ctnn {

template <class S>
concept learning_rate_schedule = std::copyable<S> && requires(const S& s, std::uint64_t step) {
  { s(step) } -> std::convertible_to<float>;
};

}  // namespace ctnn
