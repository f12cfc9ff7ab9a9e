// Raw kernel figures: the core's FP32 FMA peak (what pct_of_peak is measured against) and
// ctnn's GEMM on the shapes of the workloads, with and without the fused epilogue, on 1 and 2
// threads.
#include <benchmark/benchmark.h>

#include <ctnn/activations/relu.hpp>
#include <ctnn/kernels/epilogue.hpp>
#include <ctnn/kernels/gemm.hpp>
#include <ctnn/kernels/matrix_ref.hpp>
#include <ctnn/kernels/parallel.hpp>

#include <xsimd/xsimd.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "../common.hpp"

namespace ctnn_bench {
namespace {

using batch = xsimd::batch<float>;
// Independent FMA chains: enough to cover the FMA latency on both pipes (4 cycles x 2 pipes =
// 8 in flight on Zen 3/4/5), and as many as the register file holds beside the two operands
// (16 registers without AVX-512, 32 with it).
constexpr std::size_t peak_chains = batch::size >= 16 ? 24 : 12;
constexpr std::size_t peak_rounds = 1 << 16;

template <std::size_t... I>
[[gnu::noinline]] float fma_chains(std::size_t rounds, float seed, std::index_sequence<I...>) {
  batch acc[sizeof...(I)];
  ((acc[I] = batch(seed * static_cast<float>(I + 1))), ...);
  const batch x(0.999999f), y(1e-7f);
  for (std::size_t r = 0; r < rounds; ++r) ((acc[I] = ctnn::kernels::detail::fmadd(acc[I], x, y)), ...);
  batch s(0.0f);
  ((s += acc[I]), ...);
  return xsimd::hadd(s);
}

// Register-only FMA loop at the default arch's width: the core's measured FP32 peak. GFLOP/s is
// measured as for every other benchmark (wall time of the whole repetition, interruptions
// included), so that pct_of_peak compares like with like; GFLOP/s_median_iteration is the rate
// of the median iteration (~0.25 ms each), what the core does undisturbed.
void peak_fp32_fma(benchmark::State& state) {
  float seed = 1e-3f;
  std::vector<double> seconds;
  seconds.reserve(1 << 16);
  const wall_timer timer;
  for (auto _ : state) {
    benchmark::DoNotOptimize(seed);
    const auto start = std::chrono::steady_clock::now();
    float r = fma_chains(peak_rounds, seed, std::make_index_sequence<peak_chains>{});
    if (seconds.size() < seconds.capacity())
      seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    benchmark::DoNotOptimize(r);
  }
  const double flops = 2.0 * batch::size * peak_chains * peak_rounds;
  timer.finish(state, 1, flops);
  state.counters.erase("pct_of_peak");
  state.counters.erase("us_per_sample");
  if (!seconds.empty()) {
    std::nth_element(seconds.begin(), seconds.begin() + seconds.size() / 2, seconds.end());
    state.counters["GFLOP/s_median_iteration"] = flops / seconds[seconds.size() / 2] * 1e-9;
  }
}

struct gemm_shape {
  const char* name;
  std::size_t m, n, k;
  ctnn::kernels::transpose ta, tb;
  bool relu_epilogue;
};

void gemm_bench(benchmark::State& state, gemm_shape s, std::size_t threads) {
  using ctnn::kernels::transpose;
  const std::vector<float> a = uniform_values(s.m * s.k, 1, -1, 1);
  const std::vector<float> b = uniform_values(s.k * s.n, 2, -1, 1);
  const std::vector<float> bias = uniform_values(s.n, 3, -1, 1);
  std::vector<float> c(s.m * s.n);
  // Stored k x m when op(A) = A^T, and likewise B.
  const ctnn::kernels::matrix_ref<const float> a_ref =
      s.ta == transpose::no ? ctnn::kernels::matrix_ref{a.data(), s.m, s.k}
                            : ctnn::kernels::matrix_ref{a.data(), s.k, s.m}.transposed();
  const ctnn::kernels::matrix_ref<const float> b_ref =
      s.tb == transpose::no ? ctnn::kernels::matrix_ref{b.data(), s.k, s.n}
                            : ctnn::kernels::matrix_ref{b.data(), s.n, s.k}.transposed();
  const ctnn::kernels::matrix_ref c_ref{c.data(), s.m, s.n};
  const ctnn::kernels::thread_limit limit(threads);
  auto run = [&] {
    if (s.relu_epilogue)
      ctnn::kernels::gemm(a_ref, b_ref, c_ref, {.bias = bias.data()},
                          ctnn::kernels::fused_activation(ctnn::relu{}));
    else
      ctnn::kernels::gemm(a_ref, b_ref, c_ref);
  };
  run();  // the packing buffers of every thread
  const wall_timer timer;
  for (auto _ : state) {
    run();
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  timer.finish(state, static_cast<double>(s.m), 2.0 * s.m * s.n * s.k);
}

}  // namespace

void calibrate_peak() {
  std::vector<double> seconds;
  float seed = 1e-3f;
  for (int i = 0; i < 400; ++i) {
    const auto start = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(fma_chains(peak_rounds, seed, std::make_index_sequence<peak_chains>{}));
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::nth_element(seconds.begin(), seconds.begin() + seconds.size() / 2, seconds.end());
  measured_peak_gflops() = 2.0 * batch::size * peak_chains * peak_rounds / seconds[seconds.size() / 2] * 1e-9;
}

void register_kernel_benchmarks() {
  benchmark::RegisterBenchmark("peak_fp32_fma", peak_fp32_fma)->UseRealTime()->Unit(benchmark::kMicrosecond);
  using ctnn::kernels::transpose;
  const gemm_shape shapes[] = {
      {"gemm/256x512x784/bias_relu", 256, 512, 784, transpose::no, transpose::no, true},  // W5
      {"gemm/256x512x784/plain", 256, 512, 784, transpose::no, transpose::no, false},
      {"gemm/128x512x784/bias_relu", 128, 512, 784, transpose::no, transpose::no, true},  // W3 fwd
      {"gemm/784x512x128/AtB", 784, 512, 128, transpose::yes, transpose::no, false},     // W3 dW
      {"gemm/128x784x512/ABt", 128, 784, 512, transpose::no, transpose::yes, false},     // dx
      {"gemm/1x128x784/bias_relu", 1, 128, 784, transpose::no, transpose::no, true},     // W1
      {"gemm/676x32x9/bias_relu", 676, 32, 9, transpose::no, transpose::no, true},       // W2 conv
      {"gemm/1x64x5408/bias_relu", 1, 64, 5408, transpose::no, transpose::no, true},     // W2 dense
  };
  for (const gemm_shape& s : shapes)
    for (std::size_t threads : {1, 2}) {
      if (s.m * s.n * s.k < 1000000 && threads > 1) continue;  // batch-1 shapes: one thread
      benchmark::RegisterBenchmark((std::string(s.name) + "/threads:" + std::to_string(threads)).c_str(),
                                   [s, threads](benchmark::State& st) { gemm_bench(st, s, threads); })
          ->UseRealTime()
          ->Unit(benchmark::kMicrosecond);
    }
}

}  // namespace ctnn_bench
