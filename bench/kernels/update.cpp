// The optimizers' update over W3's 407,050 parameters: one fused pass per step over the
// parameters, the gradients and the optimizer's state. The pass is memory-bound (the arrays,
// 1.6 MB each, live in L3 at best), so besides time it reports the bytes it moves per second;
// update/traffic_floor moves exactly RMSprop's bytes with one FMA per element and no sqrt or
// division: RMSprop's time over it is what its arithmetic costs on top of its memory traffic.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "../common.hpp"

namespace ctnn_bench {
namespace {

inline constexpr std::size_t update_parameters = w3_in * w3_hidden + w3_hidden + w3_hidden * w3_classes + w3_classes;
static_assert(update_parameters == 407050);

// Bytes one update moves: params and each state block read and written, gradients read.
std::size_t update_bytes(std::size_t state_floats) {
  return sizeof(float) * (3 * update_parameters + 2 * state_floats);
}

template <class Optimizer>
void update_bench(benchmark::State& state, Optimizer optimizer) {
  std::vector<float> params = uniform_values(update_parameters, 5, -0.1f, 0.1f);
  const std::vector<float> grads = uniform_values(update_parameters, 6, -1e-2f, 1e-2f);
  std::vector<float> optimizer_state(optimizer.state_size(update_parameters), 0.0f);
  std::uint64_t step = 0;
  optimizer.update(params, grads, optimizer_state, ++step);  // state and caches warm
  const wall_timer timer;
  for (auto _ : state) {
    optimizer.update(params, grads, optimizer_state, ++step);
    benchmark::DoNotOptimize(params.data());
    benchmark::ClobberMemory();
  }
  timer.finish(state, 1, 0);  // us_per_sample is the time of one update
  const double seconds_per_update = state.counters["us_per_sample"] * 1e-6;
  for (const char* unused : {"us_per_sample", "GFLOP/s", "pct_of_peak"}) state.counters.erase(unused);
  state.counters["us_per_update"] = seconds_per_update * 1e6;
  state.counters["GB/s"] = static_cast<double>(update_bytes(optimizer_state.size())) / seconds_per_update * 1e-9;
}

// Moves exactly RMSprop's bytes (params, gradients and one state block) with one FMA per
// element: an optimizer in shape only, timed by the same loop.
struct traffic_floor {
  std::size_t state_size(std::size_t n) const noexcept { return n; }
  void update(std::span<float> params, std::span<const float> grads, std::span<float> state,
              std::uint64_t) const {
    float* w = params.data();
    float* s = state.data();
    const float* g = grads.data();
    ctnn::detail::simd_for(params.size(), [=](std::size_t i, auto width) {
      constexpr std::size_t width_v = decltype(width)::value;
      namespace simd = ctnn::detail;
      const auto si = 0.5f * simd::load<width_v>(s + i) + simd::load<width_v>(g + i);
      simd::store(s + i, si);
      simd::store(w + i, simd::load<width_v>(w + i) - 1e-3f * si);
    });
  }
};

template <class Optimizer>
void register_update(const char* name, Optimizer optimizer) {
  benchmark::RegisterBenchmark((std::string("update/") + name).c_str(),
                               [optimizer](benchmark::State& st) { update_bench(st, optimizer); })
      ->UseRealTime()
      ->Unit(benchmark::kMicrosecond);
}

}  // namespace

void register_update_benchmarks() {
  register_update("sgd", ctnn::optim::sgd{});
  register_update("sgd_momentum", ctnn::optim::sgd{.momentum = 0.9f});
  register_update("rmsprop", ctnn::optim::rmsprop{});
  register_update("adam", ctnn::optim::adam{});
  register_update("adadelta", ctnn::optim::adadelta{});
  register_update("traffic_floor", traffic_floor{});
}

}  // namespace ctnn_bench
