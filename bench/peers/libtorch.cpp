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
// W4: the W2 network trained the same way, batch 64, on the same data read as 1x28x28 images.
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

// The W2 network up to its logits (W4 trains it so; W2 appends the softmax).
torch::nn::Sequential w2_logits_net() {
  return torch::nn::Sequential(
      torch::nn::Conv2d(torch::nn::Conv2dOptions(1, w2_filters, 3)), torch::nn::ReLU(),
      torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2)), torch::nn::Flatten(),
      torch::nn::Linear(w2_pooled * w2_pooled * w2_filters, w2_hidden), torch::nn::ReLU(),
      torch::nn::Linear(w2_hidden, w2_out));
}

void w2_libtorch(benchmark::State& state) {
  torch::set_num_threads(1);
  openblas_set_num_threads(1);
  torch::manual_seed(1);
  const torch::NoGradGuard no_grad;
  torch::nn::Sequential net = w2_logits_net();
  net->push_back(torch::nn::Softmax(torch::nn::SoftmaxOptions(1)));
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

// One epoch per iteration of `net` trained with cross-entropy on its logits and RMSprop (Keras'
// rho and eps) over the shared synthetic data set, `x` a view of its inputs in the shape `net`
// takes, reshuffled every epoch and gathered batch by batch as Keras and ctnn do.
void train_epoch_libtorch(benchmark::State& state, torch::nn::Sequential net, const torch::Tensor& x,
                          std::int64_t batch, int threads, double flops_per_sample) {
  torch::set_num_threads(threads);
  openblas_set_num_threads(threads);  // torch's matrix products go to OpenBLAS here
  const w3_data& d = w3_dataset();
  const auto n = static_cast<std::int64_t>(w3_samples);
  // Labels as class indices (a view, no copy).
  const torch::Tensor y = torch::from_blob(const_cast<std::int64_t*>(d.labels.data()), {n}, torch::kLong);
  torch::optim::RMSprop optimizer(net->parameters(),
                                  torch::optim::RMSpropOptions(1e-3).alpha(0.9).eps(1e-7));
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
  timer.finish(state, w3_samples, flops_per_sample * w3_samples);
}

// The shared data set's inputs, viewed (no copy) as `sizes` per sample.
torch::Tensor dataset_view(std::vector<std::int64_t> sizes) {
  sizes.insert(sizes.begin(), static_cast<std::int64_t>(w3_samples));
  return torch::from_blob(const_cast<float*>(w3_dataset().x.data()), sizes);
}

// W3: Linear-ReLU-Linear, batch 128.
void w3_libtorch(benchmark::State& state, int threads) {
  torch::manual_seed(1);
  torch::nn::Sequential net(torch::nn::Linear(w3_in, w3_hidden), torch::nn::ReLU(),
                            torch::nn::Linear(w3_hidden, w3_classes));
  train_epoch_libtorch(state, net, dataset_view({static_cast<std::int64_t>(w3_in)}), w3_batch, threads,
                       w3_flops_per_sample);
}

// W4: the W2 network (NCHW, its logits: the softmax is in the loss), batch 64.
void w4_libtorch(benchmark::State& state, int threads) {
  torch::manual_seed(1);
  const auto side = static_cast<std::int64_t>(w2_side);
  train_epoch_libtorch(state, w2_logits_net(), dataset_view({1, side, side}), w4_batch, threads,
                       w4_flops_per_sample);
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
  for (int threads : {1, 2}) {
    const std::string suffix = "/libtorch/threads:" + std::to_string(threads);
    register_epoch_benchmark("W3_mlp_train_epoch" + suffix, [threads](benchmark::State& s) { w3_libtorch(s, threads); });
    register_epoch_benchmark("W4_cnn_train_epoch" + suffix, [threads](benchmark::State& s) { w4_libtorch(s, threads); });
  }
}

}  // namespace ctnn_bench
