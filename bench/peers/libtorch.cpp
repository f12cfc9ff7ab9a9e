// libtorch peers (Debian's libtorch 1.13).
//
// W2: the CNN in nn::Sequential (Conv2d, ReLU, MaxPool2d, Flatten, Linear, ReLU, Linear,
// Softmax) on one 1x1x28x28 image, in inference mode (NoGradGuard), one thread.
//
// W6: nn::LSTMCell 1 -> 32 and Linear 32 -> 1, one streaming step.
//
// W3: nn::Sequential Linear-ReLU-Linear, cross-entropy
// on the logits (softmax + categorical cross-entropy in one op, as ctnn fuses them), RMSprop
// lr 1e-3, batch 128, reshuffled every epoch and gathered batch by batch as Keras and ctnn do.
//
// RMSprop: torch's alpha is Keras' rho (0.9 here; torch defaults to 0.99); torch adds eps
// outside the square root (g / (sqrt(v) + eps)), Keras and ctnn inside (g / sqrt(v + eps)):
// eps = 1e-7 in both, which matters only where v is tiny. The work per step is the same.
#include <torch/torch.h>

#include <benchmark/benchmark.h>

#include <cblas.h>

#include <string>
#include <vector>

#include "../common.hpp"

namespace ctnn_bench {
namespace {

void w2_libtorch(benchmark::State& state) {
  torch::set_num_threads(1);
  openblas_set_num_threads(1);
  torch::manual_seed(1);
  const torch::NoGradGuard no_grad;
  torch::nn::Sequential net(
      torch::nn::Conv2d(torch::nn::Conv2dOptions(1, w2_filters, 3)), torch::nn::ReLU(),
      torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2)), torch::nn::Flatten(),
      torch::nn::Linear(w2_pooled * w2_pooled * w2_filters, w2_hidden), torch::nn::ReLU(),
      torch::nn::Linear(w2_hidden, w2_out), torch::nn::Softmax(torch::nn::SoftmaxOptions(1)));
  net->eval();
  std::vector<float> pixels = uniform_values(w2_side * w2_side, 12, 0.0f, 1.0f);
  const torch::Tensor x = torch::from_blob(pixels.data(), {1, 1, static_cast<std::int64_t>(w2_side),
                                                           static_cast<std::int64_t>(w2_side)});
  benchmark::DoNotOptimize(net->forward(x).data_ptr());  // warm-up
  const wall_timer timer;
  for (auto _ : state) {
    const torch::Tensor y = net->forward(x);
    benchmark::DoNotOptimize(y.data_ptr());
    benchmark::ClobberMemory();
  }
  timer.finish(state, 1, w2_flops);
}

void w3_libtorch(benchmark::State& state, int threads) {
  torch::set_num_threads(threads);
  openblas_set_num_threads(threads);  // torch's matrix products go to OpenBLAS here
  torch::manual_seed(1);
  const w3_data& d = w3_dataset();
  const auto n = static_cast<std::int64_t>(w3_samples);
  // Views of the shared data set (no copy); labels as class indices.
  const torch::Tensor x = torch::from_blob(const_cast<float*>(d.x.data()), {n, static_cast<std::int64_t>(w3_in)});
  const torch::Tensor y = torch::from_blob(const_cast<std::int64_t*>(d.labels.data()), {n}, torch::kLong);

  torch::nn::Sequential net(torch::nn::Linear(w3_in, w3_hidden), torch::nn::ReLU(),
                            torch::nn::Linear(w3_hidden, w3_classes));
  torch::optim::RMSprop optimizer(net->parameters(),
                                  torch::optim::RMSpropOptions(1e-3).alpha(0.9).eps(1e-7));
  const auto batch = static_cast<std::int64_t>(w3_batch);
  auto step = [&](const torch::Tensor& rows) {
    const torch::Tensor xb = x.index_select(0, rows);
    const torch::Tensor yb = y.index_select(0, rows);
    optimizer.zero_grad();
    torch::Tensor loss = torch::nn::functional::cross_entropy(net->forward(xb), yb);
    loss.backward();
    optimizer.step();
    return loss;
  };
  auto epoch = [&] {
    const torch::Tensor order = torch::randperm(n, torch::kLong);
    torch::Tensor loss;
    for (std::int64_t first = 0; first < n; first += batch)
      loss = step(order.slice(0, first, std::min(first + batch, n)));
    return loss;
  };
  step(torch::arange(batch, torch::kLong));  // warm-up: allocations, optimizer state
  const wall_timer timer;
  for (auto _ : state) {
    const torch::Tensor loss = epoch();
    benchmark::DoNotOptimize(loss.data_ptr());
  }
  timer.finish(state, w3_samples, w3_flops_per_sample * w3_samples);
}

// W6: torch::nn::LSTMCell 1 -> 32 and Linear 32 -> 1, one time step, (h, c) carried from
// step to step, in inference mode, one thread.
void w6_libtorch(benchmark::State& state) {
  torch::set_num_threads(1);
  openblas_set_num_threads(1);
  torch::manual_seed(1);
  const torch::NoGradGuard no_grad;
  torch::nn::LSTMCell cell(w6_in, w6_units);
  torch::nn::Linear dense(w6_units, w6_out);
  const std::vector<float> signal = uniform_values(1024, 66, -1.0f, 1.0f);
  torch::Tensor h = torch::zeros({1, static_cast<std::int64_t>(w6_units)}), c = torch::zeros_like(h);
  torch::Tensor x = torch::zeros({1, static_cast<std::int64_t>(w6_in)});
  std::size_t t = 0;
  auto step = [&] {
    x.data_ptr<float>()[0] = signal[t++ & 1023];
    std::tie(h, c) = cell->forward(x, std::make_tuple(h, c));
    return dense->forward(h);
  };
  benchmark::DoNotOptimize(step().data_ptr());  // warm-up
  const wall_timer timer;
  for (auto _ : state) {
    const torch::Tensor y = step();
    benchmark::DoNotOptimize(y.data_ptr());
    benchmark::ClobberMemory();
  }
  timer.finish(state, 1, w6_flops);
}

}  // namespace

void register_libtorch_peers() {
  benchmark::RegisterBenchmark("W6_lstm_step/libtorch", w6_libtorch)->UseRealTime()->Unit(benchmark::kMicrosecond);
  benchmark::AddCustomContext("libtorch", TORCH_VERSION);
  benchmark::RegisterBenchmark("W2_cnn_infer_b1/libtorch", w2_libtorch)->UseRealTime()->Unit(benchmark::kMicrosecond);
  for (int threads : {1, 2})
    benchmark::RegisterBenchmark(("W3_mlp_train_epoch/libtorch/threads:" + std::to_string(threads)).c_str(),
                                 [threads](benchmark::State& s) { w3_libtorch(s, threads); })
        ->UseRealTime()
        ->Iterations(1)
        ->Unit(benchmark::kSecond);
}

}  // namespace ctnn_bench
