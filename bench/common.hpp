#pragma once
// Shared by ctnn's benchmark translation units: the workloads' shapes (the workload table of bench/README.md),
// deterministic synthetic data, and the counters every benchmark reports.
//
// Counters are computed from our own wall-clock measurement of the whole timed loop (not
// Google Benchmark's kIsRate, which divides by the main thread's CPU time and would misreport
// multi-threaded runs):
//   us_per_sample  wall time of one iteration / samples in it, in microseconds
//   GFLOP/s        multiply-adds x 2 per second of wall time
//   pct_of_peak    GFLOP/s as a percentage of the FMA peak measured when the program starts
//                  (calibrate_peak: the median of 400 runs of peak_fp32_fma's loop, ~0.1 s);
//                  bench/ratios.py computes its own from the peak_fp32_fma benchmark
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ctnn_bench {

// W1: MLP 784 -> 128 relu -> 64 relu -> 10 softmax, batch 1.
inline constexpr std::size_t w1_in = 784, w1_h1 = 128, w1_h2 = 64, w1_out = 10;
inline constexpr double w1_flops = 2.0 * (w1_in * w1_h1 + w1_h1 * w1_h2 + w1_h2 * w1_out);
// W2: 28x28x1 -> conv2d 32 3x3 valid relu -> max_pool 2x2 -> flatten -> dense 64 relu ->
// dense 10 softmax, batch 1. Multiply-adds: the convolution's 26 x 26 x 32 outputs of 3 x 3
// taps, then the two dense layers (5408 -> 64 -> 10).
inline constexpr std::size_t w2_side = 28, w2_filters = 32, w2_pooled = 13, w2_hidden = 64, w2_out = 10;
inline constexpr double w2_flops =
    2.0 * (26 * 26 * w2_filters * 9 + w2_pooled * w2_pooled * w2_filters * w2_hidden + w2_hidden * w2_out);
// W3: MLP 784 -> 512 relu -> 10 softmax, batch 128, one epoch of 60000 samples.
inline constexpr std::size_t w3_in = 784, w3_hidden = 512, w3_classes = 10, w3_batch = 128,
                             w3_samples = 60000;
// Forward (2 products) + dW of both layers + dx of the second (the first layer's dx is not
// needed): 3 products of layer 1's size less one, i.e. the multiply-adds actually required.
inline constexpr double w3_flops_per_sample =
    2.0 * (2 * w3_in * w3_hidden + 3 * w3_hidden * w3_classes);
// W4: the W2 network trained (categorical cross-entropy, RMSprop lr 1e-3), batch 64, one epoch
// of 60000 images (W3's synthetic samples read as 28 x 28 x 1). Multiply-adds actually required
// per sample: forward (the convolution and both dense layers), each layer's dW, and dx of the two
// dense layers (the convolution's dx is not needed: it is the first layer).
inline constexpr std::size_t w4_batch = 64;
inline constexpr double w4_flops_per_sample =
    2.0 * (2 * 26 * 26 * w2_filters * 9 + 3 * w2_pooled * w2_pooled * w2_filters * w2_hidden + 3 * w2_hidden * w2_out);
// W5: dense 784 -> 512 + bias + relu, batch 256, forward only.
inline constexpr std::size_t w5_in = 784, w5_units = 512, w5_batch = 256;
inline constexpr double w5_flops = 2.0 * w5_batch * w5_in * w5_units;

// W6: LSTM 1 -> 32 (Keras' tanh / sigmoid, gates i, f, c, o), then dense 32 -> 1, one time step
// of a streaming model. Multiply-adds: the four gates' input and recurrent products, the dense.
inline constexpr std::size_t w6_in = 1, w6_units = 32, w6_out = 1;
inline constexpr double w6_flops = 2.0 * (4 * w6_units * (w6_in + w6_units) + w6_units * w6_out);

// W7: MLP 8 -> 16 tanh -> 16 tanh -> 1 (linear), batch 1: a control loop's or a plugin's
// network, where the cost is per call, not the 400 multiply-adds.
inline constexpr std::size_t w7_in = 8, w7_hidden = 16, w7_out = 1;
inline constexpr double w7_flops = 2.0 * (w7_in * w7_hidden + w7_hidden * w7_hidden + w7_hidden * w7_out);

// The FP32 FMA peak measured by calibrate_peak() at start-up (GFLOP/s).
double& measured_peak_gflops();
void calibrate_peak();  // kernels/gemm.cpp

// Values in [lo, hi) from a fixed generator: every peer sees the same numbers.
std::vector<float> uniform_values(std::size_t count, std::uint64_t seed, float lo, float hi);

// W3's synthetic data set (W4's too, read as 28 x 28 x 1 images): 60000 x 784 inputs in [0, 1), one-hot labels over 10 classes (and
// the class indices, for peers that take them). Built on first use, shared by all benchmarks.
struct w3_data {
  std::vector<float> x;          // 60000 x 784
  std::vector<float> one_hot;    // 60000 x 10
  std::vector<std::int64_t> labels;  // 60000
};
const w3_data& w3_dataset();

// Times the benchmark loop on the wall clock, then sets the counters.
class wall_timer {
 public:
  wall_timer() : start_(std::chrono::steady_clock::now()) {}
  void finish(benchmark::State& state, double samples_per_iteration, double flops_per_iteration) const {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double iterations = static_cast<double>(state.iterations());
    state.counters["us_per_sample"] = seconds * 1e6 / (iterations * samples_per_iteration);
    const double gflops = flops_per_iteration * iterations / seconds * 1e-9;
    state.counters["GFLOP/s"] = gflops;
    if (measured_peak_gflops() > 0) state.counters["pct_of_peak"] = 100.0 * gflops / measured_peak_gflops();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

// Registers a training-epoch benchmark (W3, W4, ctnn's and the peers'): one epoch per
// iteration, a single iteration per repetition (an epoch takes seconds), timed on the wall clock.
template <class F>
void register_epoch_benchmark(const std::string& name, F&& f) {
  benchmark::RegisterBenchmark(name.c_str(), std::forward<F>(f))
      ->UseRealTime()
      ->Iterations(1)
      ->Unit(benchmark::kSecond);
}

// Each translation unit registers its benchmarks from one function, called by main in a fixed
// order.
void register_kernel_benchmarks();    // kernels/gemm.cpp: peak_fp32_fma, raw GEMM figures
void register_update_benchmarks();    // kernels/update.cpp: the optimizers' update pass
void register_ctnn_workloads();       // workloads.cpp
void register_eigen_peers();          // peers/eigen.cpp (when Eigen 3 was found)
void register_openblas_peers();       // peers/openblas.cpp (when OpenBLAS was found)
void register_libtorch_peers();       // peers/libtorch.cpp (when Torch was found)
void register_onednn_peers();         // peers/onednn.cpp (when oneDNN, its OpenMP build, was found)

}  // namespace ctnn_bench
