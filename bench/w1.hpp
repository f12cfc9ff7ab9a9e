#pragma once
// W1 (batch-1 MLP inference, 784-128-64-10): the network and the timed loop, shared by
// workloads.cpp (compiled with the build's flags) and dispatched_w1.cpp (once per ISA level,
// called through ctnn::dispatched), so that the two figures time the same code.
#include <benchmark/benchmark.h>

#include <ctnn/ctnn.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common.hpp"

namespace ctnn_bench {

using w1_network = ctnn::sequential<ctnn::input<w1_in>, ctnn::dense<w1_h1, ctnn::relu>,
                                    ctnn::dense<w1_h2, ctnn::relu>, ctnn::dense<w1_out, ctnn::softmax>>;
using w1_model = ctnn::model<w1_network, ctnn::loss::categorical_crossentropy, ctnn::optim::rmsprop>;

// One sample of In values in [0, 1) (drawn from seed) through the whole network per iteration
// (predictor.predict_one: no allocation, one thread); W1 here, W2 in workloads.cpp.
template <std::size_t In, class Predictor>
void predict_one_loop(benchmark::State& state, Predictor& predictor, std::uint64_t seed, double flops) {
  const std::vector<float> x = uniform_values(In, seed, 0.0f, 1.0f);
  const std::span<const float, In> sample(x.data(), In);
  benchmark::DoNotOptimize(predictor.predict_one(sample).data());
  const wall_timer timer;
  for (auto _ : state) {
    const auto y = predictor.predict_one(sample);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  timer.finish(state, 1, flops);
}

template <class Predictor>
void w1_loop(benchmark::State& state, Predictor& predictor) {
  predict_one_loop<w1_in>(state, predictor, 11, w1_flops);
}

inline void w1_ctnn(benchmark::State& state) {
  w1_model model;
  w1_loop(state, model);
}

// W1 through ctnn::quantized: the same network and weights (from initialization), the dense
// kernels in bf16 or int8 (Keras' int8: each sample quantized as it arrives, which the figure
// includes).
template <class Precision>
void w1_quantized(benchmark::State& state) {
  w1_model model;
  ctnn::quantized<w1_model, Precision> q(model);
  w1_loop(state, q);
}

}  // namespace ctnn_bench
