// The C++ half of the PyTorch parity test (tests/io/parity/parity.py drives it):
//   ctnn_parity describe <network>      prints ctnn::network_description of the network
//   ctnn_parity run <mlp|cnn> <dir>     loads <dir>/weights.ctnn (exported from PyTorch by
//       tools/export_pytorch.py; its test vector is checked by load) and, from numpy,
//       <dir>/weights_compressed.npz (numpy.savez_compressed: DEFLATE, zip64 fields) and checks
//       that both give the same parameters; then, on <dir>/x.npy and <dir>/y.npy, writes
//       predict.npy (predict on all samples), gradients.npz (of the mean loss on batch 0),
//       sgd.npz (one SGD step, learning rate 0.1, on batch 0), adam.ctnn (three Adam steps,
//       learning rate 1e-3, on batches 0, 1, 2) and adam_gradients_<k>.npz (the gradients of step k).
//   ctnn_parity predict <network> <dir> loads <dir>/weights.ctnn (its test vector checked by load)
//       and writes predict.npy for <dir>/x.npy: the recurrent and conv1d networks, whose export
//       (layouts, gate order) is what is tested, not their training.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <string>

#include <ctnn/ctnn.hpp>
#include <ctnn/io/load.hpp>
#include <ctnn/io/load_npy.hpp>
#include <ctnn/io/load_npz.hpp>
#include <ctnn/io/network_description.hpp>
#include <ctnn/io/save.hpp>
#include <ctnn/io/save_npy.hpp>
#include <ctnn/io/save_npz.hpp>

#if __has_include(<ctnn/layers/conv2d.hpp>) && __has_include(<ctnn/layers/max_pool2d.hpp>) && \
    __has_include(<ctnn/layers/flatten.hpp>)
#define CTNN_PARITY_HAS_CNN 1
#endif

namespace {

namespace fs = std::filesystem;
constexpr std::size_t batch = 16;

using mlp = ctnn::sequential<ctnn::input<784>,
                             ctnn::dense<512, ctnn::relu>,
                             ctnn::dense<10, ctnn::softmax>>;
#ifdef CTNN_PARITY_HAS_CNN
using cnn = ctnn::sequential<ctnn::input<28, 28, 1>,
                             ctnn::conv2d<32, ctnn::kernel<3, 3>, ctnn::relu>,
                             ctnn::max_pool2d<ctnn::pool<2, 2>>,
                             ctnn::flatten,
                             ctnn::dense<64, ctnn::relu>,
                             ctnn::dense<10, ctnn::softmax>>;
#endif
// Exported from torch's nn.LSTM, nn.GRU, nn.RNN, nn.Conv1d and its pools (tests/io/parity/parity.py, build()).
using lstm = ctnn::sequential<ctnn::input<8, 5>,
                              ctnn::lstm<16>,
                              ctnn::dense<10, ctnn::softmax>>;
using gru = ctnn::sequential<ctnn::input<8, 5>,
                             ctnn::gru<16, ctnn::return_sequences<true>>,
                             ctnn::simple_rnn<12>,
                             ctnn::dense<10, ctnn::softmax>>;
using conv1d = ctnn::sequential<ctnn::input<21, 3>,
                                ctnn::conv1d<8, ctnn::kernel<3>, ctnn::relu, ctnn::strides<2>, ctnn::padding::same>,
                                ctnn::max_pool1d<ctnn::pool<2>>,
                                ctnn::conv1d<6, ctnn::kernel<3>, ctnn::dilation_rate<2>, ctnn::padding::same>,
                                ctnn::average_pool1d<ctnn::pool<3>, ctnn::strides<1>>,
                                ctnn::flatten,
                                ctnn::dense<10, ctnn::softmax>>;

template <class Network>
int describe() {
  std::printf("%.*s\n", static_cast<int>(ctnn::network_description<Network>.size()),
              ctnn::network_description<Network>.data());
  return 0;
}

template <class Network>
int run(const fs::path& dir) {
  using sgd_model = ctnn::model<Network, ctnn::loss::categorical_crossentropy, ctnn::optim::sgd>;
  using adam_model = ctnn::model<Network, ctnn::loss::categorical_crossentropy, ctnn::optim::adam>;
  sgd_model sgd({.learning_rate = 0.1f});
  ctnn::load(sgd, dir / "weights.ctnn");

  sgd_model from_numpy({.learning_rate = 0.1f}, {}, {.seed = 99});
  ctnn::load_npz(from_numpy, dir / "weights_compressed.npz");
  if (!std::equal(sgd.parameters().begin(), sgd.parameters().end(), from_numpy.parameters().begin())) {
    std::fprintf(stderr, "ctnn_parity: weights.ctnn and weights_compressed.npz load different parameters\n");
    return 3;
  }

  const auto x = sgd_model::input_samples::from_expression(ctnn::load_npy(dir / "x.npy"));
  const auto y = sgd_model::label_samples::from_expression(ctnn::load_npy(dir / "y.npy"));
  if (x.size() < 3 * batch || y.size() != x.size()) {
    std::fprintf(stderr, "ctnn_parity: need at least %zu samples and as many labels\n", 3 * batch);
    return 3;
  }
  const auto p = sgd.predict(x);
  ctnn::save_npy(dir / "predict.npy", p.values(), {p.size(), sgd_model::output_shape::size});

  // The gradients of batch 0, saved through a model whose parameters hold them.
  sgd.compute_gradients(x.slice(0, batch), y.slice(0, batch));
  sgd_model holder;
  std::copy(sgd.gradients().begin(), sgd.gradients().end(), holder.parameters().begin());
  ctnn::save_npz(holder, dir / "gradients.npz");

  sgd.train_on_batch(x.slice(0, batch), y.slice(0, batch));
  ctnn::save_npz(sgd, dir / "sgd.npz");

  adam_model adam({.learning_rate = 1e-3f, .beta_1 = 0.9f, .beta_2 = 0.999f, .epsilon = 1e-7f});
  ctnn::load(adam, dir / "weights.ctnn");
  // The gradients each Adam step applies (computed again by train_on_batch, bit for bit), so that
  // parity.py can replay ctnn's update rule on them in float64.
  for (std::size_t k = 0; k < 3; ++k) {
    adam.compute_gradients(x.slice(k * batch, batch), y.slice(k * batch, batch));
    std::copy(adam.gradients().begin(), adam.gradients().end(), holder.parameters().begin());
    ctnn::save_npz(holder, dir / ("adam_gradients_" + std::to_string(k) + ".npz"));
    adam.train_on_batch(x.slice(k * batch, batch), y.slice(k * batch, batch));
  }
  ctnn::save(adam, dir / "adam.ctnn");
  return 0;
}

template <class Network>
int predict(const fs::path& dir) {
  using model = ctnn::model<Network, ctnn::loss::categorical_crossentropy, ctnn::optim::sgd>;
  model m;
  ctnn::load(m, dir / "weights.ctnn");
  const auto x = model::input_samples::from_expression(ctnn::load_npy(dir / "x.npy"));
  const auto p = m.predict(x);
  ctnn::save_npy(dir / "predict.npy", p.values(), {p.size(), model::output_shape::size});
  return 0;
}

int usage() {
  std::fprintf(stderr,
               "usage: ctnn_parity describe <mlp|cnn|lstm|gru|conv1d>\n       ctnn_parity run <mlp|cnn> <dir>\n"
               "       ctnn_parity predict <lstm|gru|conv1d> <dir>\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 3) return usage();
  const std::string command = argv[1], network = argv[2];
  const bool is_describe = command == "describe";
  if (!is_describe && ((command != "run" && command != "predict") || argc != 4)) return usage();
  if (command == "predict") {
    if (network == "lstm") return predict<lstm>(argv[3]);
    if (network == "gru") return predict<gru>(argv[3]);
    if (network == "conv1d") return predict<conv1d>(argv[3]);
    return usage();
  }
  if (network == "lstm" && is_describe) return describe<lstm>();
  if (network == "gru" && is_describe) return describe<gru>();
  if (network == "conv1d" && is_describe) return describe<conv1d>();
  if (network == "mlp") return is_describe ? describe<mlp>() : run<mlp>(argv[3]);
  if (network == "cnn") {
#ifdef CTNN_PARITY_HAS_CNN
    return is_describe ? describe<cnn>() : run<cnn>(argv[3]);
#else
    std::fprintf(stderr, "ctnn_parity: this ctnn has no conv2d/max_pool2d/flatten yet\n");
    return 4;
#endif
  }
  return usage();
} catch (const std::exception& e) {
  std::fprintf(stderr, "ctnn_parity: %s\n", e.what());
  return 1;
}
