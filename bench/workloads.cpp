// ctnn on the workloads of bench/README.md's table: W1 (batch-1 MLP inference), W2 (batch-1 CNN
// inference), W3 and W4 (one training epoch of the Keras MLP and of the W2 CNN, 1 and 2
// threads), W5 (one fused dense layer forward), W6 (one step of a streaming LSTM) and W7 (a tiny tanh MLP, batch 1).
#include <benchmark/benchmark.h>

#include <ctnn/ctnn.hpp>

#include <algorithm>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "common.hpp"
#include "dispatched_w1.hpp"
#include "w1.hpp"

namespace ctnn_bench {
namespace {

using w2_network = ctnn::sequential<ctnn::input<w2_side, w2_side, 1>,
                                    ctnn::conv2d<w2_filters, ctnn::kernel<3, 3>, ctnn::relu>,
                                    ctnn::max_pool2d<ctnn::pool<2, 2>>, ctnn::flatten,
                                    ctnn::dense<w2_hidden, ctnn::relu>, ctnn::dense<w2_out, ctnn::softmax>>;
using w6_network = ctnn::sequential<ctnn::input<1, w6_in>, ctnn::lstm<w6_units>, ctnn::dense<w6_out>>;
using w7_network = ctnn::sequential<ctnn::input<w7_in>, ctnn::dense<w7_hidden, ctnn::tanh>,
                                    ctnn::dense<w7_hidden, ctnn::tanh>, ctnn::dense<w7_out>>;
using w3_network = ctnn::sequential<ctnn::input<w3_in>, ctnn::dense<w3_hidden, ctnn::relu>,
                                    ctnn::dense<w3_classes, ctnn::softmax>>;

// One image through the whole CNN per iteration (predict_one: im2col into the model's fixed
// workspace, the products on one thread, no allocation).
void w2_ctnn(benchmark::State& state) {
  ctnn::model<w2_network, ctnn::loss::categorical_crossentropy, ctnn::optim::rmsprop> model;
  predict_one_loop<w2_side * w2_side>(state, model, 12, w2_flops);
}

// One epoch of fit() per iteration, on fit_options::threads threads, over the shared synthetic
// data set (60000 samples of 784 values in [0, 1): W3's vectors, W4's 28 x 28 x 1 images).
template <class Network>
void train_epoch_ctnn(benchmark::State& state, std::size_t batch, std::size_t threads, double flops_per_sample) {
  using model_type = ctnn::model<Network, ctnn::loss::categorical_crossentropy, ctnn::optim::rmsprop>;
  using x_samples = typename model_type::input_samples;
  using y_samples = typename model_type::label_samples;
  static_assert(model_type::input_shape::size == w3_in && model_type::label_shape::size == w3_classes);
  static const auto data = [] {
    const w3_data& d = w3_dataset();
    auto xy = std::make_pair(x_samples(w3_samples), y_samples(w3_samples));
    std::copy(d.x.begin(), d.x.end(), xy.first.data());
    std::copy(d.one_hot.begin(), d.one_hot.end(), xy.second.data());
    return xy;
  }();
  model_type model{{.learning_rate = 1e-3f}};
  const ctnn::fit_options options{.epochs = 1, .batch_size = batch, .verbose = 0, .threads = threads};
  {  // warm-up: workspace, packing buffers, the thread team
    const ctnn::kernels::thread_limit limit(threads);
    x_samples x(batch);
    y_samples y(batch);
    std::copy_n(data.first.data(), x.values().size(), x.data());
    std::copy_n(data.second.data(), y.values().size(), y.data());
    model.train_on_batch(x, y);
  }
  const wall_timer timer;
  for (auto _ : state) {
    const ctnn::history h = model.fit(data.first, data.second, options);
    benchmark::DoNotOptimize(h.loss.data());
  }
  timer.finish(state, w3_samples, flops_per_sample * w3_samples);
}

// One dense layer 784 -> 512 + bias + relu over a batch of 256, forward only.
void w5_ctnn(benchmark::State& state) {
  using layer = ctnn::dense<w5_units, ctnn::relu>::layer<ctnn::shape<w5_in>>;
  const layer dense{};
  ctnn::detail::aligned_vector params(layer::parameter_storage);
  const std::vector<float> w = uniform_values(w5_in * w5_units, 21, -0.05f, 0.05f);
  const std::vector<float> b = uniform_values(w5_units, 22, -0.1f, 0.1f);
  std::copy(w.begin(), w.end(), params.begin());
  std::copy(b.begin(), b.end(), params.begin() + layer::bias_offset);
  const std::vector<float> x = uniform_values(w5_batch * w5_in, 23, 0.0f, 1.0f);
  ctnn::detail::aligned_vector y(w5_batch * w5_units);
  ctnn::pass_context ctx{};
  const ctnn::forward_io<float> io{params.data(), x.data(), y.data(), w5_batch};
  dense.forward(io, ctx);
  const wall_timer timer;
  for (auto _ : state) {
    dense.forward(io, ctx);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  timer.finish(state, w5_batch, w5_flops);
}

// One time step of a streaming LSTM per iteration (model::step: the state carried in the model,
// no allocation, one thread), fed a signal as an audio callback would be, the Eigen peer's.
void w6_ctnn(benchmark::State& state) {
  ctnn::model<w6_network, ctnn::loss::mean_squared_error, ctnn::optim::adam> model;
  const std::vector<float> signal = uniform_values(1024, 66, -1.0f, 1.0f);
  std::size_t t = 0;
  benchmark::DoNotOptimize(model.step(std::span<const float, w6_in>(signal.data(), w6_in)).data());
  const wall_timer timer;
  for (auto _ : state) {
    const auto y = model.step(std::span<const float, w6_in>(signal.data() + (t++ & 1023), w6_in));
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  timer.finish(state, 1, w6_flops);
}

// One sample of the tiny MLP per iteration (predict_one), as a control loop calls it: each call
// changes one input value and consumes the output, so no call can be hoisted or skipped (the
// Eigen peer is timed the same way).
void w7_ctnn(benchmark::State& state) {
  ctnn::model<w7_network, ctnn::loss::mean_squared_error, ctnn::optim::adam> model;
  std::vector<float> x = uniform_values(w7_in, 77, -1.0f, 1.0f);
  const std::span<const float, w7_in> sample(x.data(), w7_in);
  float sink = model.predict_one(sample)[0];
  std::size_t t = 0;
  const wall_timer timer;
  for (auto _ : state) {
    x[t++ & (w7_in - 1)] = sink * 1e-3f;
    sink = model.predict_one(sample)[0];
    benchmark::DoNotOptimize(sink);
  }
  timer.finish(state, 1, w7_flops);
}

}  // namespace

void register_ctnn_workloads() {
  benchmark::RegisterBenchmark("W1_mlp_infer_b1", w1_ctnn)->UseRealTime()->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("W1_mlp_infer_b1_bf16", w1_quantized<ctnn::bf16>)->UseRealTime()->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("W1_mlp_infer_b1_int8", w1_quantized<ctnn::int8>)->UseRealTime()->Unit(benchmark::kMicrosecond);
  // The same two through ctnn::dispatched: what a binary built for any x86-64 runs here.
  benchmark::RegisterBenchmark("W1_mlp_infer_b1_dispatched", [](benchmark::State& s) { w1_dispatched(s); })
      ->UseRealTime()->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("W1_mlp_infer_b1_int8_dispatched", [](benchmark::State& s) { w1_int8_dispatched(s); })
      ->UseRealTime()->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("W2_cnn_infer_b1", w2_ctnn)->UseRealTime()->Unit(benchmark::kMicrosecond);
  // "threads:N" is fit_options::threads (the kernels' OpenMP threads), not Google Benchmark's
  // ->Threads(), which would run N epochs side by side.
  for (std::size_t threads : {1, 2}) {
    const std::string suffix = "/threads:" + std::to_string(threads);
    register_epoch_benchmark("W3_mlp_train_epoch" + suffix, [threads](benchmark::State& s) {
      train_epoch_ctnn<w3_network>(s, w3_batch, threads, w3_flops_per_sample);
    });
    register_epoch_benchmark("W4_cnn_train_epoch" + suffix, [threads](benchmark::State& s) {
      train_epoch_ctnn<w2_network>(s, w4_batch, threads, w4_flops_per_sample);
    });
  }
  benchmark::RegisterBenchmark("W5_dense_fused_fwd", w5_ctnn)->UseRealTime()->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("W6_lstm_step", w6_ctnn)->UseRealTime()->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("W7_tiny_mlp_b1", w7_ctnn)->UseRealTime()->Unit(benchmark::kNanosecond);
}

}  // namespace ctnn_bench
