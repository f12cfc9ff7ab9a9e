// Eigen 3 peers, written by hand with fixed-size matrices (no allocation in the timed loop),
// single-threaded (EIGEN_DONT_PARALLELIZE: the program is compiled with OpenMP).
#define EIGEN_DONT_PARALLELIZE
// The fixed-size operands are heap-allocated below (std::make_unique); lift the stack check.
#define EIGEN_STACK_ALLOCATION_LIMIT 0
#include <Eigen/Core>

#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "../common.hpp"

namespace ctnn_bench {
namespace {

template <int Rows, int Cols>
using row_major = Eigen::Matrix<float, Rows, Cols, Eigen::RowMajor>;
template <int Size>
using vector = Eigen::Matrix<float, Size, 1>;

template <class M>
void fill(M& m, std::uint64_t seed, float lo, float hi) {
  const std::vector<float> v = uniform_values(static_cast<std::size_t>(m.size()), seed, lo, hi);
  std::copy(v.begin(), v.end(), m.data());
}

template <int Size>
void softmax(vector<Size>& z) {
  z = (z.array() - z.maxCoeff()).exp();
  z /= z.sum();
}

// W1 with weights stored (out, in): y = f(W x + b), a matrix-vector product per layer.
struct w1_out_in {
  row_major<w1_h1, w1_in> w1;
  row_major<w1_h2, w1_h1> w2;
  row_major<w1_out, w1_h2> w3;
  vector<w1_h1> b1, h1;
  vector<w1_h2> b2, h2;
  vector<w1_out> b3, y;
  void run(const vector<w1_in>& x) {
    h1.noalias() = w1 * x;
    h1 = (h1 + b1).cwiseMax(0.0f);
    h2.noalias() = w2 * h1;
    h2 = (h2 + b2).cwiseMax(0.0f);
    y.noalias() = w3 * h2;
    y += b3;
    softmax(y);
  }
};

// W1 with weights stored (in, out), as Keras and ctnn store them: y^T = f(x^T W + b^T).
struct w1_in_out {
  row_major<w1_in, w1_h1> w1;
  row_major<w1_h1, w1_h2> w2;
  row_major<w1_h2, w1_out> w3;
  vector<w1_h1> b1, h1;
  vector<w1_h2> b2, h2;
  vector<w1_out> b3, y;
  void run(const vector<w1_in>& x) {
    h1.noalias() = w1.transpose() * x;
    h1 = (h1 + b1).cwiseMax(0.0f);
    h2.noalias() = w2.transpose() * h1;
    h2 = (h2 + b2).cwiseMax(0.0f);
    y.noalias() = w3.transpose() * h2;
    y += b3;
    softmax(y);
  }
};

template <class Net>
void w1_eigen(benchmark::State& state) {
  const auto net = std::make_unique<Net>();
  fill(net->w1, 31, -0.08f, 0.08f);
  fill(net->w2, 32, -0.2f, 0.2f);
  fill(net->w3, 33, -0.3f, 0.3f);
  fill(net->b1, 34, -0.1f, 0.1f);
  fill(net->b2, 35, -0.1f, 0.1f);
  fill(net->b3, 36, -0.1f, 0.1f);
  vector<w1_in> x;
  fill(x, 11, 0.0f, 1.0f);
  net->run(x);
  const wall_timer timer;
  for (auto _ : state) {
    net->run(x);
    benchmark::DoNotOptimize(net->y.data());
    benchmark::ClobberMemory();
  }
  timer.finish(state, 1, w1_flops);
}

// W5: Y = max(X W + b, 0) with fixed-size matrices (a GEMM, then one pass for bias and relu).
void w5_eigen(benchmark::State& state) {
  struct operands {
    row_major<w5_batch, w5_in> x;
    row_major<w5_in, w5_units> w;
    Eigen::Matrix<float, 1, w5_units> b;
    row_major<w5_batch, w5_units> y;
  };
  const auto o = std::make_unique<operands>();
  fill(o->x, 23, 0.0f, 1.0f);
  fill(o->w, 21, -0.05f, 0.05f);
  fill(o->b, 22, -0.1f, 0.1f);
  auto run = [&] {
    o->y.noalias() = o->x * o->w;
    o->y = (o->y.rowwise() + o->b).cwiseMax(0.0f);
  };
  run();
  const wall_timer timer;
  for (auto _ : state) {
    run();
    benchmark::DoNotOptimize(o->y.data());
    benchmark::ClobberMemory();
  }
  timer.finish(state, w5_batch, w5_flops);
}

// W6: one LSTM step written the obvious way with fixed-size Eigen matrices, weights stored
// (4 units, in) and (4 units, units) so that each gate block is a matrix-vector product:
// z = W x + R h + b; i, f, o = sigmoid, g = tanh; c = f c + i g; h = o tanh(c); y = Wd h + bd.
struct w6_lstm {
  static constexpr int units = static_cast<int>(w6_units), in = static_cast<int>(w6_in),
                       out = static_cast<int>(w6_out);
  Eigen::Matrix<float, 4 * units, in> w;
  Eigen::Matrix<float, 4 * units, units> r;
  vector<4 * units> b, z;
  vector<units> h = vector<units>::Zero(), c = vector<units>::Zero();
  Eigen::Matrix<float, out, units> wd;
  vector<out> bd, y;
  void step(const vector<in>& x) {
    z.noalias() = w * x;
    z.noalias() += r * h;
    z += b;
    const auto sigmoid = [](const auto& v) { return (1.0f + (-v.array()).exp()).inverse().matrix(); };
    const vector<units> i = sigmoid(z.template segment<units>(0));
    const vector<units> f = sigmoid(z.template segment<units>(units));
    const vector<units> g = z.template segment<units>(2 * units).array().tanh().matrix();
    const vector<units> o = sigmoid(z.template segment<units>(3 * units));
    c = (f.array() * c.array() + i.array() * g.array()).matrix();
    h = (o.array() * c.array().tanh()).matrix();
    y.noalias() = wd * h;
    y += bd;
  }
};

void w6_eigen(benchmark::State& state) {
  const auto net = std::make_unique<w6_lstm>();
  fill(net->w, 61, -0.4f, 0.4f);
  fill(net->r, 62, -0.2f, 0.2f);
  fill(net->b, 63, -0.1f, 0.1f);
  fill(net->wd, 64, -0.4f, 0.4f);
  fill(net->bd, 65, -0.1f, 0.1f);
  const std::vector<float> signal = uniform_values(1024, 66, -1.0f, 1.0f);
  vector<w6_lstm::in> x;
  std::size_t t = 0;
  const wall_timer timer;
  for (auto _ : state) {
    x(0) = signal[t++ & 1023];
    net->step(x);
    benchmark::DoNotOptimize(net->y.data());
    benchmark::ClobberMemory();
  }
  timer.finish(state, 1, w6_flops);
}

// W7 written the obvious way with fixed-size Eigen matrices, weights stored (out, in) so each
// layer is one matrix-vector product, Eigen's vectorized tanh.
struct w7_net {
  row_major<w7_hidden, w7_in> w1;
  row_major<w7_hidden, w7_hidden> w2;
  row_major<w7_out, w7_hidden> w3;
  vector<w7_hidden> b1, b2, h1, h2;
  vector<w7_out> b3, y;
  void run(const vector<w7_in>& x) {
    h1.noalias() = w1 * x;
    h1 = (h1 + b1).array().tanh();
    h2.noalias() = w2 * h1;
    h2 = (h2 + b2).array().tanh();
    y.noalias() = w3 * h2;
    y += b3;
  }
};

void w7_eigen(benchmark::State& state) {
  const auto net = std::make_unique<w7_net>();
  fill(net->w1, 71, -0.5f, 0.5f);
  fill(net->w2, 72, -0.4f, 0.4f);
  fill(net->w3, 73, -0.4f, 0.4f);
  fill(net->b1, 74, -0.1f, 0.1f);
  fill(net->b2, 75, -0.1f, 0.1f);
  fill(net->b3, 76, -0.1f, 0.1f);
  vector<w7_in> x;
  fill(x, 77, -1.0f, 1.0f);
  net->run(x);
  float sink = net->y(0);
  std::size_t t = 0;
  const wall_timer timer;
  for (auto _ : state) {  // as w7_ctnn: one input value changed, the output consumed
    x(static_cast<Eigen::Index>(t++ & (w7_in - 1))) = sink * 1e-3f;
    net->run(x);
    sink = net->y(0);
    benchmark::DoNotOptimize(sink);
  }
  timer.finish(state, 1, w7_flops);
}

}  // namespace

void register_eigen_peers() {
  benchmark::RegisterBenchmark("W6_lstm_step/eigen_fixed", w6_eigen)->UseRealTime()->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("W1_mlp_infer_b1/eigen_fixed", w1_eigen<w1_out_in>)
      ->UseRealTime()->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("W1_mlp_infer_b1/eigen_fixed_in_out", w1_eigen<w1_in_out>)
      ->UseRealTime()->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("W5_dense_fused_fwd/eigen_fixed", w5_eigen)
      ->UseRealTime()->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("W7_tiny_mlp_b1/eigen_fixed", w7_eigen)->UseRealTime()->Unit(benchmark::kNanosecond);
}

}  // namespace ctnn_bench
