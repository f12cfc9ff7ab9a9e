// The Keras convnet example in ctnn: 28x28x1 -> conv2d 32 3x3 relu -> max_pool2d 2x2 -> flatten
// -> dense 64 relu -> dense 10 softmax, RMSprop (lr 1e-3), categorical cross-entropy, batch 64,
// 5 epochs, on Fashion-MNIST.
#include <cstdio>
#include <exception>
#include <iostream>

#include <ctnn/ctnn.hpp>

#include "example_args.hpp"

using cnn = ctnn::sequential<ctnn::input<28, 28, 1>,
                             ctnn::conv2d<32, ctnn::kernel<3, 3>, ctnn::relu>,
                             ctnn::max_pool2d<ctnn::pool<2, 2>>,
                             ctnn::flatten,
                             ctnn::dense<64, ctnn::relu>,
                             ctnn::dense<10, ctnn::softmax>>;

int main(int argc, char** argv) try {
  const auto args = parse_example_args(argc, argv, 5);
  auto data = ctnn::load_idx_dataset<10, 28, 28, 1>(args.data);

  ctnn::model<cnn, ctnn::loss::categorical_crossentropy, ctnn::optim::rmsprop> model{
      {.learning_rate = 1e-3f}, {}, {.seed = args.seed}};
  model.summary();
  return fit_and_report(model, data, args, 64, argv[0], "fashion_mnist_cnn");
} catch (const std::exception& e) {
  std::cerr << "fashion_mnist_cnn: " << e.what() << "\n";
  return 1;
}
