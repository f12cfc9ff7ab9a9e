// The README's side-by-side code, compiled and run under CTest (example.readme_snippets) on a
// few random samples; tests/docs/snippets_match.cmake checks that each block the README shows
// between "snippet: NAME" markers is, line for line, the block marked so here.
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <span>
#include <vector>

#include <ctnn/ctnn.hpp>

namespace {

template <class X, class Y>
void mlp_snippet(const X& x_train, const Y& y_train, const X& x_test, const Y& y_test) {
  // snippet: mlp
  using mlp = ctnn::sequential<
      ctnn::input<784>,
      ctnn::dense<512, ctnn::relu>,
      ctnn::dense<10, ctnn::softmax>>;

  ctnn::model<mlp,
              ctnn::loss::categorical_crossentropy,
              ctnn::optim::rmsprop>
      model{{.learning_rate = 1e-3f}};

  model.summary();
  auto history = model.fit(x_train, y_train,
                           {.epochs = 5, .batch_size = 128});
  auto [loss, accuracy] = model.evaluate(x_test, y_test);
  auto probabilities = model.predict(x_test);
  // end snippet
  if (history.loss.size() != 5 || probabilities.size() != x_test.size() || !(loss > 0) || accuracy < 0)
    throw std::runtime_error("the MLP snippet did not train");
}

template <class X, class Y>
void cnn_snippet(const X& x_train, const Y& y_train) {
  // snippet: cnn
  using cnn = ctnn::sequential<
      ctnn::input<28, 28, 1>,
      ctnn::conv2d<32, ctnn::kernel<3, 3>, ctnn::relu,
          ctnn::kernel_regularizer<ctnn::regularizers::l2>>,
      ctnn::max_pool2d<ctnn::pool<2, 2>>,
      ctnn::flatten,
      ctnn::dropout<ctnn::dropout_rate{0.5}>,
      ctnn::dense<64, ctnn::relu>,
      ctnn::dense<10, ctnn::softmax>>;
  ctnn::model<cnn,
              ctnn::loss::categorical_crossentropy,
              ctnn::optim::adam> model;
  model.layer<0>().kernel_regularizer.l2 = 1e-4f;
  ctnn::early_stopping stop{.patience = 3,
                            .restore_best_weights = true};
  ctnn::model_checkpoint best(model, "best.ctnn",
                              {.save_best_only = true});
  model.fit(x_train, y_train,
            {.epochs = 20, .validation_split = 0.1},
            stop, best);
  // end snippet
  if (!std::filesystem::exists("best.ctnn")) throw std::runtime_error("the CNN snippet saved no checkpoint");
}

template <class X, class Y>
void lstm_snippet(const X& x_train, const Y& y_train) {
  // snippet: lstm
  using rnn = ctnn::sequential<
      ctnn::input<28, 28>,  // 28 steps of 28 features
      ctnn::lstm<128>,
      ctnn::dense<10, ctnn::softmax>>;

  ctnn::model<rnn,
              ctnn::loss::categorical_crossentropy,
              ctnn::optim::adam> model;
  model.fit(x_train, y_train,
            {.epochs = 5, .batch_size = 64});
  // end snippet
  if (model.evaluate(x_train, y_train).loss <= 0) throw std::runtime_error("the LSTM snippet did not train");
}

// Keras' stateful inference, one audio sample at a time.
void streaming_snippet() {
  std::vector<float> input(480, 0.25f), output(480);
  // snippet: streaming
  using effect = ctnn::sequential<
      ctnn::input<128, 1>,  // trained on 128-step sequences
      ctnn::lstm<32, ctnn::return_sequences<true>>,
      ctnn::dense<1>>;
  ctnn::model<effect, ctnn::loss::mean_squared_error,
              ctnn::optim::adam> model;
  // ... model.fit(x, y) or ctnn::load(model, "effect.ctnn")

  model.warm_up();       // on the audio thread, once
  model.reset_states();  // a new stream
  for (std::size_t i = 0; i < input.size(); ++i)
    output[i] = model.step(
        std::span<const float, 1>(&input[i], 1))[0];
  // end snippet
  if (output.back() == 0 && output.front() == 0) throw std::runtime_error("the streaming snippet did nothing");
}

// n random samples in [0, 1) with random one-hot labels.
template <std::size_t... D>
std::pair<ctnn::samples<D...>, ctnn::samples<10>> random_samples(std::size_t n, std::uint64_t seed) {
  ctnn::detail::rng r(seed);
  ctnn::samples<D...> x(n);
  ctnn::samples<10> y(n);
  for (std::size_t i = 0; i < n * ctnn::shape<D...>::size; ++i) x.data()[i] = static_cast<float>(r.uniform(0, 1));
  for (std::size_t i = 0; i < n; ++i) y.data()[i * 10 + r.next() % 10] = 1.0f;
  return {std::move(x), std::move(y)};
}

}  // namespace

// snippet: resnet
template <std::size_t F>
using block = ctnn::residual<
    ctnn::conv2d<F, ctnn::kernel<3>, ctnn::padding::same>,
    ctnn::batch_normalization<>, ctnn::relu,
    ctnn::conv2d<F, ctnn::kernel<3>, ctnn::padding::same>,
    ctnn::batch_normalization<>>;

using resnet = ctnn::sequential<
    ctnn::input<28, 28, 1>,
    ctnn::conv2d<16, ctnn::kernel<3>, ctnn::padding::same>,
    ctnn::relu,
    block<16>, ctnn::relu,
    block<16>, ctnn::relu,
    ctnn::global_average_pool2d,
    ctnn::dense<10, ctnn::softmax>>;
// end snippet

namespace {
template <class X, class Y>
void resnet_snippet(const X& x_train, const Y& y_train) {
  ctnn::model<resnet, ctnn::loss::categorical_crossentropy, ctnn::optim::adam> model;
  model.fit(x_train, y_train, {.epochs = 1, .batch_size = 16, .verbose = 0});
  if (!(model.evaluate(x_train, y_train).loss > 0)) throw std::runtime_error("the ResNet snippet did not train");
}
}  // namespace

int main() try {
  const auto [x_train, y_train] = random_samples<784>(256, 1);
  const auto [x_test, y_test] = random_samples<784>(64, 2);
  mlp_snippet(x_train, y_train, x_test, y_test);
  const auto [images, labels] = random_samples<28, 28, 1>(64, 3);
  cnn_snippet(images, labels);
  const auto [sequences, classes] = random_samples<28, 28>(64, 4);
  lstm_snippet(sequences, classes);
  streaming_snippet();
  resnet_snippet(images, labels);
  std::cout << "readme_snippets: every snippet ran\n";
  return 0;
} catch (const std::exception& e) {
  std::cerr << "readme_snippets: " << e.what() << "\n";
  return 1;
}
