// OpenBLAS peers: cblas_sgemv / cblas_sgemm for the products, then a separate loop for bias and
// activation (what a BLAS cannot fuse). openblas_set_num_threads(1): 1-thread figures.
#include <cblas.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "../common.hpp"

namespace ctnn_bench {
namespace {

void bias_relu(float* y, const float* b, std::size_t rows, std::size_t cols) {
  for (std::size_t r = 0; r < rows; ++r, y += cols)
    for (std::size_t j = 0; j < cols; ++j) y[j] = std::max(y[j] + b[j], 0.0f);
}

void bias_softmax(float* y, const float* b, std::size_t n) {
  float m = -INFINITY;
  for (std::size_t j = 0; j < n; ++j) m = std::max(m, y[j] += b[j]);
  float s = 0;
  for (std::size_t j = 0; j < n; ++j) s += (y[j] = std::exp(y[j] - m));
  for (std::size_t j = 0; j < n; ++j) y[j] /= s;
}

// W1. OutIn: weights stored (out, in), y = W x (sgemv, no transpose); otherwise stored (in,
// out) as Keras and ctnn store them, y = W^T x (sgemv, transposed).
template <bool OutIn>
void w1_openblas(benchmark::State& state) {
  openblas_set_num_threads(1);
  const std::vector<float> w1 = uniform_values(w1_in * w1_h1, 31, -0.08f, 0.08f);
  const std::vector<float> w2 = uniform_values(w1_h1 * w1_h2, 32, -0.2f, 0.2f);
  const std::vector<float> w3 = uniform_values(w1_h2 * w1_out, 33, -0.3f, 0.3f);
  const std::vector<float> b1 = uniform_values(w1_h1, 34, -0.1f, 0.1f);
  const std::vector<float> b2 = uniform_values(w1_h2, 35, -0.1f, 0.1f);
  const std::vector<float> b3 = uniform_values(w1_out, 36, -0.1f, 0.1f);
  const std::vector<float> x = uniform_values(w1_in, 11, 0.0f, 1.0f);
  std::vector<float> h1(w1_h1), h2(w1_h2), y(w1_out);
  auto layer = [](const std::vector<float>& w, const float* in, float* out, int n_in, int n_out) {
    if constexpr (OutIn)
      cblas_sgemv(CblasRowMajor, CblasNoTrans, n_out, n_in, 1.0f, w.data(), n_in, in, 1, 0.0f, out, 1);
    else
      cblas_sgemv(CblasRowMajor, CblasTrans, n_in, n_out, 1.0f, w.data(), n_out, in, 1, 0.0f, out, 1);
  };
  auto run = [&] {
    layer(w1, x.data(), h1.data(), w1_in, w1_h1);
    bias_relu(h1.data(), b1.data(), 1, w1_h1);
    layer(w2, h1.data(), h2.data(), w1_h1, w1_h2);
    bias_relu(h2.data(), b2.data(), 1, w1_h2);
    layer(w3, h2.data(), y.data(), w1_h2, w1_out);
    bias_softmax(y.data(), b3.data(), w1_out);
  };
  run();
  const wall_timer timer;
  for (auto _ : state) {
    run();
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  timer.finish(state, 1, w1_flops);
}

// W5: sgemm, then bias + relu in a second pass.
void w5_openblas(benchmark::State& state) {
  openblas_set_num_threads(1);
  const std::vector<float> w = uniform_values(w5_in * w5_units, 21, -0.05f, 0.05f);
  const std::vector<float> b = uniform_values(w5_units, 22, -0.1f, 0.1f);
  const std::vector<float> x = uniform_values(w5_batch * w5_in, 23, 0.0f, 1.0f);
  std::vector<float> y(w5_batch * w5_units);
  auto run = [&] {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, w5_batch, w5_units, w5_in, 1.0f, x.data(),
                w5_in, w.data(), w5_units, 0.0f, y.data(), w5_units);
    bias_relu(y.data(), b.data(), w5_batch, w5_units);
  };
  run();
  const wall_timer timer;
  for (auto _ : state) {
    run();
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  timer.finish(state, w5_batch, w5_flops);
}

}  // namespace

void register_openblas_peers() {
  benchmark::AddCustomContext("openblas_core", openblas_get_corename());
  benchmark::RegisterBenchmark("W1_mlp_infer_b1/openblas", w1_openblas<true>)
      ->UseRealTime()->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("W1_mlp_infer_b1/openblas_in_out", w1_openblas<false>)
      ->UseRealTime()->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("W5_dense_fused_fwd/openblas_sgemm_bias_relu", w5_openblas)
      ->UseRealTime()->Unit(benchmark::kMicrosecond);
}

}  // namespace ctnn_bench
