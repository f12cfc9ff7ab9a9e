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
  const auto x_train = first_samples(data.x_train, args);
  const auto y_train = first_samples(data.y_train, args);
  const auto x_test = first_samples(data.x_test, args);
  const auto y_test = first_samples(data.y_test, args);
  ctnn::history history;
  const int status = train_and_check(model, x_train, y_train, args, [&] {
    history = model.fit(x_train, y_train, {.epochs = args.epochs, .batch_size = 64});
  });
  write_history(history, argv[0], "fashion_mnist_cnn");
  auto [loss, accuracy] = model.evaluate(x_test, y_test);
  std::printf("test_loss=%.4f\n", loss);
  std::printf("test_accuracy=%.4f\n", accuracy);
  return status;
} catch (const std::exception& e) {
  std::cerr << "fashion_mnist_cnn: " << e.what() << "\n";
  return 1;
}
