// ctnn's benchmark program: every workload of bench/README.md's table that ctnn runs today (W1, W2,
// W3, W5), the kernels under them (GEMM, optimizer updates) and the peers, in one process so
// that ratios compare figures taken side by side.
// bench/ratios.py turns the JSON output into the ratio table of bench/README.md.
#include <benchmark/benchmark.h>

#include <xsimd/xsimd.hpp>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "common.hpp"

namespace ctnn_bench {


double& measured_peak_gflops() {
  static double peak = 0;
  return peak;
}

std::vector<float> uniform_values(std::size_t count, std::uint64_t seed, float lo, float hi) {
  std::vector<float> v(count);
  std::uint64_t s = seed;
  for (auto& x : v) {
    // splitmix64
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    x = lo + (hi - lo) * static_cast<float>(z >> 40) * (1.0f / 16777216.0f);
  }
  return v;
}

const w3_data& w3_dataset() {
  static const w3_data data = [] {
    w3_data d;
    d.x = uniform_values(w3_samples * w3_in, 3, 0.0f, 1.0f);
    d.one_hot.assign(w3_samples * w3_classes, 0.0f);
    d.labels.resize(w3_samples);
    const std::vector<float> u = uniform_values(w3_samples, 4, 0.0f, 1.0f);
    for (std::size_t i = 0; i < w3_samples; ++i) {
      const auto c = static_cast<std::size_t>(u[i] * w3_classes) % w3_classes;
      d.labels[i] = static_cast<std::int64_t>(c);
      d.one_hot[i * w3_classes + c] = 1.0f;
    }
    return d;
  }();
  return data;
}

namespace {
std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
}
}  // namespace

}  // namespace ctnn_bench

int main(int argc, char** argv) {
  using namespace ctnn_bench;
  benchmark::AddCustomContext("cpu_model", cpu_model());
  benchmark::AddCustomContext("simd_arch", xsimd::default_arch::name());
  benchmark::AddCustomContext("simd_float_lanes", std::to_string(xsimd::batch<float>::size));
#ifdef _OPENMP
  benchmark::AddCustomContext("openmp", "yes");
#else
  benchmark::AddCustomContext("openmp", "no");
#endif
  calibrate_peak();
  benchmark::AddCustomContext("peak_fp32_gflops_at_start", std::to_string(measured_peak_gflops()));
  register_kernel_benchmarks();
  register_update_benchmarks();
  register_ctnn_workloads();
#ifdef CTNN_BENCH_EIGEN
  register_eigen_peers();
#endif
#ifdef CTNN_BENCH_OPENBLAS
  register_openblas_peers();
#endif
#ifdef CTNN_BENCH_LIBTORCH
  register_libtorch_peers();
#endif
#ifdef CTNN_BENCH_ONEDNN
  register_onednn_peers();
#endif
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
