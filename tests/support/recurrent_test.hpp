#pragma once
// What the tests of the recurrent layers (tests/layers/{lstm,gru,simple_rnn}.cpp) share: a bound
// layer run directly on its buffers, the comparison with the PyTorch reference values of
// tests/layers/recurrent_reference.inc, the step-versus-forward check and the gradient checks.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

#include <catch2/catch.hpp>

#include <ctnn/ctnn.hpp>

#include "allocation_counter.hpp"
#include "gradient_check.hpp"
#include "layer_test.hpp"

namespace ctnn_test {

// A spec bound to a sequence of Steps x Features, with its parameters and buffers.
template <class Spec, std::size_t Steps, std::size_t Features, class T = float>
struct recurrent_run {
  using network = ctnn::sequential<ctnn::input<Steps, Features>, Spec>;
  using layer_type = std::tuple_element_t<0, typename network::layer_types>;
  layer_type layer{};
  std::vector<T> params = std::vector<T>(layer_type::parameter_storage);

  explicit recurrent_run(std::uint64_t seed = 1) {
    ctnn::detail::rng r(seed);
    layer.initialize(std::span<T>(params), r);
  }
  // Keras-layout tensors into the parameter slice (an empty bias for a layer without one).
  void set(std::span<const float> kernel, std::span<const float> recurrent, std::span<const float> bias) {
    const auto& p = layer_type::parameters;
    std::copy(kernel.begin(), kernel.end(), params.begin() + p[0].offset);
    std::copy(recurrent.begin(), recurrent.end(), params.begin() + p[1].offset);
    if constexpr (p.size() > 2) std::copy(bias.begin(), bias.end(), params.begin() + p[2].offset);
  }
  std::vector<T> forward(const std::vector<T>& x, std::size_t n) {
    std::vector<T> y(n * layer_type::output_shape::size);
    std::vector<T> workspace(n * ctnn::layer_traits<layer_type>::workspace_size);
    ctnn::pass_context ctx{};
    layer.forward(ctnn::forward_io<T>{params.data(), x.data(), y.data(), n, workspace.data()}, ctx);
    return y;
  }
};

// The float tolerance of a recurrent layer's output against an exact reference: each
// pre-activation sums Features + Units + 1 products of values of magnitude at most 1, rounding by
// at most that many ulps of 1; the activations (xsimd's exp and tanh, within a few ulps) and the
// gate arithmetic add at most 8 more. The reference's recurrent kernels have rows of magnitude
// summing below 1 and every activation's slope is at most 1, so an error is not amplified from
// one step to the next, only added to: Steps times that, and a factor 2 of margin.
constexpr double recurrent_tolerance(std::size_t steps, std::size_t features, std::size_t units) {
  return 2.0 * double(FLT_EPSILON) * double(features + units + 1 + 8) * double(steps);
}

// ctnn's Spec (return_sequences<true>) and SpecLast (the same, return_sequences<false>) on a
// reference case: every step's output, and the last one, within recurrent_tolerance; and the last
// output of SpecLast is exactly the last row of Spec's (the same code computes both).
template <class Spec, class SpecLast, class Case>
void check_reference() {
  constexpr std::size_t n = Case::samples, steps = Case::steps, features = Case::features, units = Case::units;
  recurrent_run<Spec, steps, features> all;
  recurrent_run<SpecLast, steps, features> last;
  const std::span<const float> bias(Case::bias, std::size(Case::bias));
  all.set(Case::kernel, Case::recurrent_kernel, bias);
  last.set(Case::kernel, Case::recurrent_kernel, bias);
  const std::vector<float> x(std::begin(Case::x), std::end(Case::x));
  const auto y = all.forward(x, n);
  const auto y_last = last.forward(x, n);
  REQUIRE(y.size() == std::size(Case::y));
  const double tol = recurrent_tolerance(steps, features, units);
  double worst = 0;
  for (std::size_t i = 0; i < y.size(); ++i) worst = std::max(worst, std::abs(double(y[i]) - Case::y[i]));
  CHECK(worst <= tol);
  for (std::size_t s = 0; s < n; ++s)
    for (std::size_t j = 0; j < units; ++j)
      CHECK(y_last[s * units + j] == y[(s * steps + steps - 1) * units + j]);
}

// Running a sequence through step() from a zero state gives forward()'s outputs (Spec has
// return_sequences<true>): the same cell code, the products summed in another order (the GEMM's
// blocking against step's plain loop), hence recurrent_tolerance. step() allocates nothing.
template <class Spec, std::size_t Steps, std::size_t Features>
void check_step_matches_forward() {
  using run = recurrent_run<Spec, Steps, Features>;
  using L = typename run::layer_type;
  STATIC_REQUIRE(ctnn::layer_traits<L>::streams);
  constexpr std::size_t n = 3, units = L::units;
  run r(11);
  // Off the initializers' values (a zero bias), so that every parameter plays a part.
  ctnn::detail::rng g(5);
  for (auto& p : r.params) p += static_cast<float>(g.uniform(-0.1, 0.1));
  const auto x = random_values<float>(n * Steps * Features, 23);
  const auto y = r.forward(x, n);
  const double tol = recurrent_tolerance(Steps, Features, units);
  std::vector<float> state(ctnn::layer_traits<L>::streaming_state_size);
  std::vector<float> out(units);
  for (std::size_t s = 0; s < n; ++s) {
    std::fill(state.begin(), state.end(), 0.0f);
    double worst = 0;
    for (std::size_t k = 0; k < Steps; ++k) {
      const ctnn::step_io<float> io{r.params.data(), x.data() + (s * Steps + k) * Features, out.data(), state.data()};
      const std::size_t allocations = count_allocations([&] { r.layer.step(io); });
      CHECK(allocations == 0);
      for (std::size_t j = 0; j < units; ++j)
        worst = std::max(worst, std::abs(double(out[j]) - double(y[(s * Steps + k) * units + j])));
    }
    CHECK(worst <= tol);
  }
}

// Finite-difference gradients, in double, of the parameters and of the input.
template <class Spec, std::size_t Steps, std::size_t Features>
void check_gradients() {
  using network = ctnn::sequential<ctnn::input<Steps, Features>, Spec>;
  gradient_check<network, ctnn::loss::mean_squared_error> check(3, 17);
  ctnn::detail::rng r(29);
  for (auto& v : check.parameters()) v += r.uniform(-0.2, 0.2);  // a non-zero bias too
  for (auto& v : check.labels()) v = r.uniform(-1, 1);
  CHECK(check.max_relative_error() < 1e-6);
  CHECK(check.max_input_relative_error() < 1e-6);
}

}  // namespace ctnn_test
