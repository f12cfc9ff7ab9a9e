#pragma once
// All-or-nothing loading: everything a file provides is read into staged copies -- of the
// model's parameter and optimizer arenas and of its layer objects (their run-time
// hyperparameters and state) -- and checked there: shapes, finiteness, the test vector run on a
// probe model built from the staged copies. Only then is it committed, with plain copies that
// cannot fail. Shared by load, load_from_memory and load_npz.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <span>
#include <string>
#include <utility>

#include "../../core/model.hpp"
#include "../../detail/aligned_buffer.hpp"
#include "../io_error.hpp"
#include "weight_format.hpp"

namespace ctnn::detail {

// The model's layer objects, copied. model::layer<I>() has no const overload, hence the
// const_cast; nothing is modified through it.
template <class Network, class Loss, class Optimizer>
typename Network::layer_types copy_layers(const model<Network, Loss, Optimizer>& m) {
  auto& mutable_model = const_cast<model<Network, Loss, Optimizer>&>(m);
  return [&]<std::size_t... I>(std::index_sequence<I...>) {
    return typename Network::layer_types{mutable_model.template layer<I>()...};
  }(std::make_index_sequence<Network::layer_count>{});
}

template <class Network>
struct staged_weights {
  typename Network::layer_types layers;
  aligned_vector parameters;
  aligned_vector optimizer_state;
  aligned_vector streaming;  // model::streaming_state()
  std::uint64_t iterations = 0;
  bool set_optimizer = false;  // false: leave the model's optimizer state and iterations alone
  std::array<std::uint64_t, 4> random{};
  bool set_random = false;     // restore the model's random generator (see has_rng_state)
};

template <class Network, class Loss, class Optimizer>
staged_weights<Network> stage(const model<Network, Loss, Optimizer>& m) {
  // Copies of the current arenas, so that SIMD padding between tensors keeps its (zero) values.
  return {copy_layers(m), aligned_vector(m.parameters().begin(), m.parameters().end()),
          aligned_vector(m.optimizer_state().size(), 0.0f),
          aligned_vector(m.streaming_state().begin(), m.streaming_state().end()), 0, false, {}, false};
}

template <class Network, class Loss, class Optimizer>
void commit(model<Network, Loss, Optimizer>& m, const staged_weights<Network>& s) noexcept {
  static_assert(std::is_nothrow_copy_assignable_v<typename Network::layer_types>,
                "ctnn::load: layer objects must be nothrow copy-assignable, so that committing cannot fail half-way");
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    ((m.template layer<I>() = std::get<I>(s.layers)), ...);
  }(std::make_index_sequence<Network::layer_count>{});
  std::copy(s.parameters.begin(), s.parameters.end(), m.parameters().begin());
  std::copy(s.streaming.begin(), s.streaming.end(), m.streaming_state().begin());
  if (s.set_optimizer) {
    std::copy(s.optimizer_state.begin(), s.optimizer_state.end(), m.optimizer_state().begin());
    m.set_iterations(s.iterations);
  }
  if constexpr (has_rng_state<model<Network, Loss, Optimizer>>)
    if (s.set_random) m.set_rng_state(s.random);
}

// Throws unless every value is finite; `what` names the values ("tensor 'dense/kernel'").
template <class T>
void require_finite(std::span<const T> values, const std::string& source, const std::string& what,
                    const std::string& hint) {
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!std::isfinite(values[i]))
      throw io_error(io_error::reason::non_finite, source, what + ", value " + std::to_string(i),
                     "a finite number", value_text(static_cast<double>(values[i])), hint);
}

inline std::string tolerance_text(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", v);
  return text;
}

// Runs the staged weights on a probe model and compares with the expected outputs.
template <class Network, class Loss, class Optimizer>
void check_test_vector(const model<Network, Loss, Optimizer>& m, const staged_weights<Network>& s,
                       std::span<const float> inputs, std::span<const float> expected, double rtol,
                       double atol, const std::string& source) {
  using model_type = model<Network, Loss, Optimizer>;
  constexpr std::size_t out_size = model_type::output_shape::size;
  const std::string finite_hint = "a test vector must be made of finite numbers (was it exported from a model that diverged?)";
  require_finite(inputs, source, "test vector input", finite_hint);
  require_finite(expected, source, "test vector expected output", finite_hint);
  if (!(rtol >= 0) || !(atol >= 0) || !std::isfinite(rtol) || !std::isfinite(atol))
    throw io_error(io_error::reason::corrupt, source, "test vector tolerance", "rtol, atol >= 0",
                   "rtol " + value_text(rtol) + ", atol " + value_text(atol));

  model_type probe(m.optimizer(), m.loss());
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    ((probe.template layer<I>() = std::get<I>(s.layers)), ...);
  }(std::make_index_sequence<Network::layer_count>{});
  std::copy(s.parameters.begin(), s.parameters.end(), probe.parameters().begin());
  const auto y = probe.predict(model_type::input_samples::from(inputs));
  const auto got = y.values();

  std::size_t worst = got.size();
  double worst_excess = 0, max_difference = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const double e = expected[i], g = got[i], difference = std::abs(g - e);
    const double allowed = atol + rtol * std::abs(e);
    const double excess = std::isnan(difference) ? std::numeric_limits<double>::infinity()
                                                 : difference / std::max(allowed, std::numeric_limits<double>::min());
    if (!std::isnan(difference)) max_difference = std::max(max_difference, difference);
    if (!(difference <= allowed) && (worst == got.size() || excess > worst_excess)) {
      worst = i;
      worst_excess = excess;
    }
  }
  if (worst == got.size()) return;
  const double e = expected[worst], g = got[worst];
  throw io_error(io_error::reason::test_vector_mismatch, source,
                 "test vector, sample " + std::to_string(worst / out_size) + ", output " + std::to_string(worst % out_size),
                 value_text(e) + " +- " + tolerance_text(atol + rtol * std::abs(e)),
                 value_text(g) + " (difference " + value_text(std::abs(g - e)) + "; largest difference " +
                     value_text(max_difference) + ")",
                 "these weights do not reproduce the outputs saved with them; check run-time "
                 "hyperparameters (leaky_relu/elu alpha) and that the network type is the one the "
                 "weights were exported for");
}

}  // namespace ctnn::detail
