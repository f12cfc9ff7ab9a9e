#pragma once
// The optimizer policy. An optimizer turns gradients into parameter updates, following Keras
// 2.11+ `keras.optimizers.*` (names, defaults, formulas). It is a plain aggregate of
// hyperparameters; everything that changes from step to step lives in state the caller owns, so
// one optimizer value serves every parameter array of a model, copies cost nothing, and a
// learning-rate schedule is just an assignment to `learning_rate` between steps.
//
// For a const O o, n a std::size_t, params a std::span<float>, grads a
// std::span<const float>, state a std::span<float> and step a std::uint64_t:
//   O{}                     the Keras defaults; O is copyable.
//   o.learning_rate         a public float data member.
//   O::name                 a static constexpr std::string_view: Keras' name in lowercase
//                           ("rmsprop").
//   o.state_slots()         -> std::size_t: how many floats of state each parameter keeps (the
//                           optimizer's state variables: adam 2, or 3 with amsgrad; sgd 1 with
//                           momentum, 0 without). It may depend on run-time hyperparameters
//                           (momentum, centered, amsgrad).
//   o.state_size(n)         -> std::size_t: how many floats of state n parameters need,
//                           state_slots() * n (law 1; every optimizer derives it with
//                           detail::state_size).
//   o.update(params, grads, state, step)
//                           applies one step to params and state in place; returns a bool:
//                           whether every element took its step (law 7). An optimizer whose
//                           update returns void is checked by the model after each step
//                           instead, in a separate pass.
//
// Laws (tests/optimizers/optimizer.cpp checks them for every optimizer):
//   1. State is zero-initialized by the caller before step 1 and handed back unchanged with
//      step = 1, 2, 3, ...; it is laid out as state_slots() consecutive blocks of n floats, one
//      per state variable, in the order each header documents (adam: [m | v | vhat]), so
//      state_size(n) == state_slots() * n. Slot k of parameter i is state[k*n + i]: a model
//      may update slices of its parameters in parallel when state_slots() <= 1, and the
//      weight files store slot k of each tensor as tensor optimizer/<k>/<name>.
//   2. update reads learning_rate and every other hyperparameter on every call and never
//      modifies the optimizer. A hyperparameter change that changes state_slots (momentum 0 ->
//      0.9) needs fresh state; update rejects state of the wrong size.
//   3. update is element-wise: params[i] and state[k*n + i] depend only on params[i], grads[i],
//      state[k*n + i], step and the hyperparameters. So the result does not depend on where an
//      element sits (SIMD block or scalar tail, up to rounding), and updating a model's arrays
//      one call per array or in one call over their concatenation is the same.
//   4. A zero gradient applied to zero state leaves params unchanged.
//   5. Repeated updates with the gradient of a convex quadratic reduce it (for a suitable
//      learning rate).
//   6. grads.size() != params.size(), state.size() != state_size(params.size()) and step == 0
//      throw std::invalid_argument naming the optimizer and the sizes, before anything is
//      written.
//   7. No non-finite value is ever stored: an element whose new parameter or state values are
//      not all finite keeps all of its old ones, and update returns false. (The model checks
//      the gradients before calling update, so with finite gradients this only happens where a
//      step overflows float32; the model then stops training.)
//   params, grads and state must not overlap (not checked).
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

namespace ctnn {

template <class O>
concept optimizer = std::default_initializable<O> && std::copyable<O> &&
    requires(const O& o, std::size_t n, std::span<float> params, std::span<const float> grads,
             std::span<float> state, std::uint64_t step) {
      { &O::learning_rate } -> std::same_as<float O::*>;
      { O::name } -> std::convertible_to<std::string_view>;
      // O::name is a constant expression:
      typename std::integral_constant<std::size_t, std::string_view{O::name}.size()>;
      { o.state_slots() } -> std::same_as<std::size_t>;
      { o.state_size(n) } -> std::same_as<std::size_t>;
      o.update(params, grads, state, step);
    };

namespace detail {

// o.state_size(n) for every optimizer: state_slots() blocks of n floats (law 1).
template <class O>
constexpr std::size_t state_size(const O& o, std::size_t parameter_count) noexcept {
  return o.state_slots() * parameter_count;
}

}  // namespace detail
}  // namespace ctnn
