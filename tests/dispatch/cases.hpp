#pragma once
// The computations tests/dispatch compares across ISA levels: compiled into the test program
// itself (its own -march) and, through ctnn_add_dispatched, once per ctnn::isa_level
// (module.cpp). Each writes plain floats, the only thing that crosses a variant's boundary.
#include <algorithm>
#include <cstddef>
#include <span>

#include <ctnn/ctnn.hpp>

#include "support/toy_data.hpp"

namespace dispatch_cases {

using mlp = ctnn::sequential<ctnn::input<48>, ctnn::dense<32, ctnn::relu>, ctnn::dense<10>>;
using cnn = ctnn::sequential<ctnn::input<10, 10, 2>, ctnn::conv2d<4, ctnn::kernel<3, 3>, ctnn::tanh>,
                             ctnn::max_pool2d<ctnn::pool<2, 2>>, ctnn::flatten, ctnn::dense<5, ctnn::softmax>>;
using rnn = ctnn::sequential<ctnn::input<7, 3>, ctnn::lstm<8, ctnn::return_sequences<true>>, ctnn::dense<2>>;
using classifier = ctnn::sequential<ctnn::input<8>, ctnn::dense<16, ctnn::relu>, ctnn::dense<3, ctnn::softmax>>;

template <class Net>
using model_of = ctnn::model<Net, ctnn::loss::mean_squared_error, ctnn::optim::sgd>;

constexpr std::size_t samples = 5;
constexpr std::uint64_t seed = 7;

// samples inputs of Net, uniform in [-1, 1) from ctnn's generator (the same on every ISA).
template <class Net>
ctnn::samples<Net::input_shape::size> inputs() {
  return ctnn_test::toy_data<Net::input_shape::size>(samples, seed).first;
}

template <class Net>
void predict(std::span<float> out) {
  model_of<Net> m({}, {}, {.seed = seed});
  const auto x = inputs<Net>();
  for (std::size_t i = 0; i < samples; ++i) {
    const auto y = m.predict_one(std::span<const float, Net::input_shape::size>(x[i].data(), Net::input_shape::size));
    std::copy(y.begin(), y.end(), out.begin() + static_cast<std::ptrdiff_t>(i * y.size()));
  }
}

// The trainable parameters of m, layer after layer, without the arena's padding (which depends
// on the vector width).
template <class M>
void compact_parameters(const M& m, std::span<float> out) {
  using net = typename M::network;
  auto to = out.begin();
  for (std::size_t i = 0; i < net::layer_count; ++i)
    to = std::copy_n(m.parameters().begin() + static_cast<std::ptrdiff_t>(net::parameter_offsets[i]),
                     net::parameter_counts[i], to);
}

// The MLP's parameters (to bound the float sums' differences) and predictions.
inline void mlp_parameters(std::span<float> out) { compact_parameters(model_of<mlp>({}, {}, {.seed = seed}), out); }
inline void mlp_predict(std::span<float> out) { predict<mlp>(out); }
inline void cnn_predict(std::span<float> out) { predict<cnn>(out); }

// The MLP in int8 (Keras 3's semantics): integer sums, then the same scalar float operations.
inline void mlp_int8_predict(std::span<float> out) {
  const model_of<mlp> m({}, {}, {.seed = seed});
  ctnn::quantized<model_of<mlp>, ctnn::int8> q(m);
  const auto x = inputs<mlp>();
  for (std::size_t i = 0; i < samples; ++i) {
    const auto y = q.predict_one(std::span<const float, 48>(x[i].data(), 48));
    std::copy(y.begin(), y.end(), out.begin() + static_cast<std::ptrdiff_t>(i * y.size()));
  }
}

// An LSTM streamed step by step over the first sample's 7 time steps.
inline void rnn_step(std::span<float> out) {
  model_of<rnn> m({}, {}, {.seed = seed});
  const auto x = inputs<rnn>();
  for (std::size_t t = 0; t < 7; ++t) {
    const auto y = m.step(std::span<const float, 3>(x[0].data() + 3 * t, 3));
    std::copy(y.begin(), y.end(), out.begin() + static_cast<std::ptrdiff_t>(2 * t));
  }
}

// Two epochs of training with Adam: the parameters after them.
inline void classifier_fit(std::span<float> out) {
  ctnn::model<classifier, ctnn::loss::categorical_crossentropy, ctnn::optim::adam> m({}, {}, {.seed = seed});
  const auto [x, y] = ctnn_test::toy_data(64, seed);
  m.fit(x, y, {.epochs = 2, .batch_size = 16, .verbose = 0});
  compact_parameters(m, out);
}

constexpr std::size_t mlp_parameter_count = mlp::parameter_count;
constexpr std::size_t classifier_parameter_count = classifier::parameter_count;

}  // namespace dispatch_cases
