// Keras' classic sequence example in ctnn: each 28x28 Fashion-MNIST image read as 28 time steps
// of 28 pixels -> lstm 128 -> dense 10 softmax, Adam (lr 1e-3), categorical cross-entropy,
// batch 64, 5 epochs.
#include <cstdio>
#include <exception>
#include <iostream>

#include <ctnn/ctnn.hpp>

#include "example_args.hpp"

using rnn = ctnn::sequential<ctnn::input<28, 28>,
                             ctnn::lstm<128>,
                             ctnn::dense<10, ctnn::softmax>>;

int main(int argc, char** argv) try {
  const auto args = parse_example_args(argc, argv, 5);
  auto data = ctnn::load_idx_dataset<10, 28, 28>(args.data);

  ctnn::model<rnn, ctnn::loss::categorical_crossentropy, ctnn::optim::adam> model{
      {.learning_rate = 1e-3f}, {}, {.seed = args.seed}};
  model.summary();
  return fit_and_report(model, data, args, 64, argv[0], "fashion_mnist_lstm");
} catch (const std::exception& e) {
  std::cerr << "fashion_mnist_lstm: " << e.what() << "\n";
  return 1;
}
