// A small ResNet on Fashion-MNIST: a 3x3 convolution stem, three residual blocks with batch
// normalization (the second halves the resolution and doubles the channels, its shortcut a
// strided 1x1 convolution with batch normalization, as in He et al.'s ResNet), global average
// pooling and a softmax. Adam (lr 1e-3), categorical cross-entropy, batch 64, 3 epochs.
#include <cstdio>
#include <exception>
#include <iostream>

#include <ctnn/ctnn.hpp>

#include "example_args.hpp"

using ctnn::batch_normalization;
using ctnn::conv2d;
using ctnn::kernel;
using ctnn::relu;
using same = ctnn::padding::same;

// x + BN(conv(relu(BN(conv(x))))), Filters channels in and out.
template <std::size_t Filters>
using basic_block = ctnn::residual<conv2d<Filters, kernel<3>, same>, batch_normalization<>, relu,
                                   conv2d<Filters, kernel<3>, same>, batch_normalization<>>;
// The same with stride 2 and twice the channels; the shortcut projects the input to match.
template <std::size_t Filters>
using down_block = ctnn::residual<conv2d<Filters, kernel<3>, ctnn::strides<2>, same>, batch_normalization<>, relu,
                                  conv2d<Filters, kernel<3>, same>, batch_normalization<>,
                                  ctnn::shortcut<conv2d<Filters, kernel<1>, ctnn::strides<2>>, batch_normalization<>>>;

using resnet = ctnn::sequential<ctnn::input<28, 28, 1>,
                                conv2d<16, kernel<3>, same>, batch_normalization<>, relu,
                                basic_block<16>, relu,
                                down_block<32>, relu,
                                basic_block<32>, relu,
                                ctnn::global_average_pool2d,
                                ctnn::dense<10, ctnn::softmax>>;

int main(int argc, char** argv) try {
  const auto args = parse_example_args(argc, argv, 3);
  auto data = ctnn::load_idx_dataset<10, 28, 28, 1>(args.data);

  ctnn::model<resnet, ctnn::loss::categorical_crossentropy, ctnn::optim::adam> model{
      {.learning_rate = 1e-3f}, {}, {.seed = args.seed}};
  model.summary();
  return fit_and_report(model, data, args, 64, argv[0], "fashion_mnist_resnet");
} catch (const std::exception& e) {
  std::cerr << "fashion_mnist_resnet: " << e.what() << "\n";
  return 1;
}
