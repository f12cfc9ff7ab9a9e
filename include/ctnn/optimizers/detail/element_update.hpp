#pragma once
// What every optimizer's update shares (optimizer.hpp's laws 1, 6 and 7): the argument checks,
// the state cut into its slots, the run-time switches decided once per call, and the pass over
// the elements whose commits it ands together. An optimizer's update says only what one
// element's step is.
#include "../../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

#include "../../detail/simd_loop.hpp"

namespace ctnn::detail {

// The argument checks an update makes first (law 6), worded as call + rule.
inline void check_update_arguments(std::string_view optimizer_name, std::size_t param_count,
                                   std::size_t grad_count, std::size_t state_count,
                                   std::size_t expected_state_count, std::uint64_t step) {
  const auto fail = [&](std::string rule) {
    throw std::invalid_argument("ctnn::optim::" + std::string(optimizer_name) +
                                "::update(params, grads, state, step) requires " + rule);
  };
  if (grad_count != param_count)
    fail("grads.size() == params.size(); got " + std::to_string(grad_count) + " gradients for " +
         std::to_string(param_count) + " parameters");
  if (state_count != expected_state_count)
    fail("state.size() == state_size(params.size()) == " + std::to_string(expected_state_count) +
         " for " + std::to_string(param_count) + " parameters; got " +
         std::to_string(state_count) +
         " (did a hyperparameter that sizes the state, such as momentum, change?)");
  if (step == 0) fail("step >= 1 (steps count from 1)");
}

// An update's operands, as optimizer::update receives them.
struct update_call {
  std::span<float> params;
  std::span<const float> grads;
  std::span<float> state;
  std::uint64_t step;
};

// The arrays one update works on: w = params, g = grads, and slot(k) = state block k, the
// floats [k*n, (k+1)*n) of state (law 1; each optimizer's header documents what its slots hold).
struct update_arrays {
  float* w;
  const float* g;
  float* state;
  std::size_t n;
  float* slot(std::size_t k) const noexcept { return state + k * n; }
};

// Calls f(decided..., std::bool_constant<switches[I]>...): a run-time switch (momentum,
// nesterov, centered, amsgrad) is decided once per update instead of once per element.
template <std::size_t I, std::size_t K, class F, class... Decided>
void with_switches(const std::array<bool, K>& switches, F&& f, Decided... decided) {
  if constexpr (I == K)
    f(decided...);
  else if (switches[I])
    with_switches<I + 1>(switches, f, decided..., std::true_type{});
  else
    with_switches<I + 1>(switches, f, decided..., std::false_type{});
}

// One update of optimizer o: checks the arguments (before anything is written), then asks
// make_step(arrays, std::bool_constant<switches>...) for the element step, a generic lambda
// step.template operator()<W>(i) that updates elements [i, i + W) -- W the batch size for full
// blocks, 1 for the tail (detail::simd_for) -- and returns what detail::commit returned for
// them. Returns whether every element took its step (law 7).
template <class O, std::size_t K, class MakeStep>
bool element_update(const O& o, const update_call& call, const std::array<bool, K>& switches,
                    MakeStep&& make_step) {
  const std::size_t n = call.params.size();
  check_update_arguments(O::name, n, call.grads.size(), call.state.size(), o.state_size(n), call.step);
  const update_arrays arrays{call.params.data(), call.grads.data(), call.state.data(), n};
  bool committed = true;
  with_switches<0>(switches, [&](auto... decided) {
    // The step by value in the loop's closure: its constants sit one load away, as when each
    // optimizer wrote this loop itself (a reference to it cost a second load per block).
    simd_for(n, [&committed, step = make_step(arrays, decided...)](std::size_t i, auto width) {
      committed &= step.template operator()<decltype(width)::value>(i);
    });
  });
  return committed;
}

// The same with the switches written in place ({amsgrad}), and without any.
template <class O, std::size_t K, class MakeStep>
bool element_update(const O& o, const update_call& call, const bool (&switches)[K], MakeStep&& make_step) {
  return element_update(o, call, std::to_array(switches), make_step);
}
template <class O, class MakeStep>
bool element_update(const O& o, const update_call& call, MakeStep&& make_step) {
  return element_update(o, call, std::array<bool, 0>{}, make_step);
}

}  // namespace ctnn::detail
