// The README's side-by-side code, compiled and run under CTest (example.readme_snippets) on a
// few random samples; tests/docs/snippets_match.cmake checks that each block the README shows
// between "snippet: NAME" markers is, line for line, the block marked so here.
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>

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

int main() try {
  const auto [x_train, y_train] = random_samples<784>(256, 1);
  const auto [x_test, y_test] = random_samples<784>(64, 2);
  mlp_snippet(x_train, y_train, x_test, y_test);
  const auto [images, labels] = random_samples<28, 28, 1>(64, 3);
  cnn_snippet(images, labels);
  std::cout << "readme_snippets: both snippets ran\n";
  return 0;
} catch (const std::exception& e) {
  std::cerr << "readme_snippets: " << e.what() << "\n";
  return 1;
}
