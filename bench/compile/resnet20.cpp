// A compile-time benchmark: ResNet-20 (He et al., CIFAR-10: a 16-filter stem, three stages of
// three basic blocks at 16, 32 and 64 filters, the first block of stages 2 and 3 strided with a
// projection shortcut, global average pooling, dense 10) as one ctnn type, with everything a
// user instantiates: fit, evaluate, predict, predict_one, save and load. The build of this file
// is the measurement (bench/README.md, "Compile time": wall time and peak memory of g++ 12);
// running it trains on a few random images, so that nothing is optimized away.
#include <cstddef>
#include <cstdio>

#include <ctnn/ctnn.hpp>

namespace {
using ctnn::batch_normalization;
using ctnn::conv2d;
using ctnn::kernel;
using ctnn::relu;
using same = ctnn::padding::same;

template <std::size_t F>
using basic = ctnn::residual<conv2d<F, kernel<3>, same>, batch_normalization<>, relu, conv2d<F, kernel<3>, same>,
                             batch_normalization<>>;
template <std::size_t F>
using down = ctnn::residual<conv2d<F, kernel<3>, ctnn::strides<2>, same>, batch_normalization<>, relu,
                            conv2d<F, kernel<3>, same>, batch_normalization<>,
                            ctnn::shortcut<conv2d<F, kernel<1>, ctnn::strides<2>>>>;

using resnet20 = ctnn::sequential<ctnn::input<32, 32, 3>, conv2d<16, kernel<3>, same>, batch_normalization<>, relu,
                                  basic<16>, relu, basic<16>, relu, basic<16>, relu,
                                  down<32>, relu, basic<32>, relu, basic<32>, relu,
                                  down<64>, relu, basic<64>, relu, basic<64>, relu,
                                  ctnn::global_average_pool2d, ctnn::dense<10, ctnn::softmax>>;
}  // namespace

int main() {
  static_assert(resnet20::parameter_count + resnet20::non_trainable_parameter_count == 274442,
                "ResNet-20 v1 has 274,442 parameters in all (Keras' summary of keras-io's cifar10_resnet, n = 3)");
  ctnn::model<resnet20, ctnn::loss::categorical_crossentropy, ctnn::optim::adam> model;
  ctnn::samples<32, 32, 3> x(4);
  ctnn::samples<10> y(4);
  for (std::size_t i = 0; i < 4; ++i) {
    for (std::size_t j = 0; j < 32 * 32 * 3; ++j) x[i][j] = static_cast<float>((i * 7 + j) % 13) / 13.0f;
    y[i][i] = 1;
  }
  model.fit(x, y, {.epochs = 1, .batch_size = 4, .verbose = 0});
  const auto e = model.evaluate(x, y);
  const auto p = model.predict(x);
  const float one = model.predict_one(x[0])[0];
  const auto bytes = ctnn::save_to_memory(model);
  ctnn::load_from_memory(model, bytes);
  std::printf("resnet20: %zu parameters, loss %.4f, p %.4f %.4f, %zu bytes saved\n",
              static_cast<std::size_t>(resnet20::parameter_count), e.loss, static_cast<double>(p[0][0]),
              static_cast<double>(one), bytes.size());
}
