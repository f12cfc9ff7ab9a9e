// ctnn::branches: parallel paths and a merge; values by hand, gradients by finite differences
// (the layer laws in tests/core/layer.cpp run every merge through the rest), allocation-free
// inference, save and load of a block's layers and state.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <span>
#include <type_traits>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "support/allocation_counter.hpp"
#include "support/gradient_check.hpp"

namespace {
using ctnn::branches;
using ctnn::dense;
using ctnn::input;
using ctnn::path;
using ctnn::sequential;
}  // namespace

TEST_CASE("branches: a gated activation tanh(x) * sigmoid(x) is branches and multiply", "[branches]") {
  using net = sequential<input<7>, branches<ctnn::multiply, path<ctnn::tanh>, path<ctnn::sigmoid>>>;
  STATIC_REQUIRE(net::parameter_count == 0);
  ctnn::model<net, ctnn::loss::mean_squared_error, ctnn::optim::sgd> m;
  const float x[7] = {-3.0f, -1.0f, -0.25f, 0.0f, 0.5f, 1.5f, 4.0f};
  const auto y = m.predict_one(std::span<const float, 7>(x, 7));
  // Each factor within a few float ulp of its value (below 1), so the product within 1e-6.
  for (std::size_t i = 0; i < 7; ++i) CHECK(y[i] == Approx(std::tanh(double(x[i])) / (1 + std::exp(-double(x[i])))).margin(1e-6));
}

TEST_CASE("branches: concatenate puts the paths side by side along its axis", "[branches]") {
  // A sequence (4 steps x 3 features): dense per step on both paths.
  using last = sequential<input<4, 3>, branches<ctnn::concatenate<>, path<dense<2>>, path<dense<5>>>>;
  using steps = sequential<input<4, 3>, branches<ctnn::concatenate<0>, path<dense<2>>, path<dense<2>>>>;
  STATIC_REQUIRE(std::is_same_v<last::output_shape, ctnn::shape<4, 7>>);
  STATIC_REQUIRE(std::is_same_v<steps::output_shape, ctnn::shape<8, 2>>);
  STATIC_REQUIRE(std::is_same_v<sequential<input<4, 3>, branches<ctnn::concatenate<-2>, path<dense<2>>, path<dense<2>>>>::output_shape,
                                ctnn::shape<8, 2>>);
  ctnn::samples<4, 3> x(2);
  ctnn::detail::rng r(6);
  for (auto& v : x.values()) v = static_cast<float>(r.uniform(-1, 1));
  const auto dense_value = [&](const auto& w, const auto& b, std::size_t s, std::size_t t, std::size_t j, std::size_t units) {
    double z = b[j];
    for (std::size_t i = 0; i < 3; ++i) z += double(x[s][t * 3 + i]) * w[i * units + j];
    return z;  // sums of 3 products below 1: within 1e-6 of the float result
  };
  {
    ctnn::model<last, ctnn::loss::mean_squared_error, ctnn::optim::sgd> m;
    const auto y = m.predict(x);
    for (std::size_t s = 0; s < 2; ++s)
      for (std::size_t t = 0; t < 4; ++t) {
        for (std::size_t j = 0; j < 2; ++j)
          CHECK(y[s][t * 7 + j] == Approx(dense_value(m.parameter<0, 0>(), m.parameter<0, 1>(), s, t, j, 2)).margin(1e-6));
        for (std::size_t j = 0; j < 5; ++j)
          CHECK(y[s][t * 7 + 2 + j] == Approx(dense_value(m.parameter<0, 2>(), m.parameter<0, 3>(), s, t, j, 5)).margin(1e-6));
      }
  }
  {
    ctnn::model<steps, ctnn::loss::mean_squared_error, ctnn::optim::sgd> m;
    const auto y = m.predict(x);
    for (std::size_t s = 0; s < 2; ++s)
      for (std::size_t t = 0; t < 4; ++t)
        for (std::size_t j = 0; j < 2; ++j) {
          CHECK(y[s][t * 2 + j] == Approx(dense_value(m.parameter<0, 0>(), m.parameter<0, 1>(), s, t, j, 2)).margin(1e-6));
          CHECK(y[s][(4 + t) * 2 + j] == Approx(dense_value(m.parameter<0, 2>(), m.parameter<0, 3>(), s, t, j, 2)).margin(1e-6));
        }
  }
}

TEST_CASE("branches: image paths concatenated on channels, gradients by finite differences", "[branches][gradient]") {
  // An Inception-style block: 1x1 and 3x3 convolutions and a pooled path, channels concatenated.
  using net = sequential<input<4, 4, 2>,
                         branches<ctnn::concatenate<>, path<ctnn::conv2d<2, ctnn::kernel<1>, ctnn::relu>>,
                                  path<ctnn::conv2d<3, ctnn::kernel<3>, ctnn::padding::same, ctnn::tanh>>,
                                  path<ctnn::average_pool2d<ctnn::pool<3, 3>, ctnn::strides<1>, ctnn::padding::same>>>,
                         ctnn::flatten, dense<2>>;
  STATIC_REQUIRE(std::is_same_v<std::tuple_element_t<0, net::layer_types>::output_shape, ctnn::shape<4, 4, 7>>);
  ctnn_test::gradient_check<net, ctnn::loss::mean_squared_error> check(3);
  CHECK(check.max_relative_error() < 1e-6);
  CHECK(check.max_input_relative_error() < 1e-6);
}

TEST_CASE("branches: maximum and minimum send dL/dy to the first path holding the extreme", "[branches][gradient]") {
  // Two identical paths tie everywhere: TensorFlow's gradient of tf.maximum(a, b) gives a tie to
  // a, so the first path gets all of dL/dy and the second none.
  using net = sequential<input<3>, branches<ctnn::maximum, path<ctnn::relu>, path<ctnn::relu>>>;
  using layout = net::layout;
  net::layer_types layers{};
  std::vector<float> x{-1.0f, 0.5f, 2.0f};
  std::vector<float> block(layout::pass_floats(1, {.gradients = true, .input_gradient = true}));
  const auto b = layout::carve(block.data(), 1, {.gradients = true, .input_gradient = true});
  ctnn::pass_context ctx{};
  layout::forward(layers, static_cast<const float*>(nullptr), x.data(), b, ctx);
  for (std::size_t i = 0; i < 3; ++i) b.gradients[0][i] = 1.0f;
  layout::backward(layers, static_cast<const float*>(nullptr), static_cast<float*>(nullptr), x.data(), b, false, ctx);
  // relu' is 0 below 0 and 1 above: dL/dx = 1 where x > 0 (from the first path only, not 2).
  CHECK(b.input_gradient[0] == 0.0f);
  CHECK(b.input_gradient[1] == 1.0f);
  CHECK(b.input_gradient[2] == 1.0f);
}

TEST_CASE("branches: inference on one sample performs no heap allocation", "[branches][realtime]") {
  using net = sequential<input<8>, branches<ctnn::add, path<dense<8, ctnn::relu>, dense<8>>, path<dense<8>>>,
                         ctnn::residual<dense<8, ctnn::tanh>>, dense<2, ctnn::softmax>>;
  ctnn::model<net, ctnn::loss::categorical_crossentropy, ctnn::optim::adam> m;
  const std::vector<float> x(8, 0.5f);
  float sum = 0;
  CHECK(ctnn_test::count_allocations([&] {
          for (int rep = 0; rep < 10; ++rep) sum += m.predict_one(std::span<const float, 8>(x.data(), 8))[0];
        }) == 0);
  CHECK(sum > 0);
}

TEST_CASE("branches: save and load carry the layers inside blocks, under their Keras names", "[branches][io]") {
  using net = sequential<input<4>, dense<4>,
                         branches<ctnn::add, path<dense<4, ctnn::relu>, ctnn::batch_normalization<>>, path<dense<4>>>, dense<2>>;
  using model_type = ctnn::model<net, ctnn::loss::mean_squared_error, ctnn::optim::adam>;
  model_type a({}, {}, {.seed = 1});
  ctnn::samples<4> x(16);
  ctnn::samples<2> y(16);
  ctnn::detail::rng r(8);
  for (auto& v : x.values()) v = static_cast<float>(r.uniform(-1, 1));
  for (auto& v : y.values()) v = static_cast<float>(r.uniform(-1, 1));
  a.fit(x, y, {.epochs = 2, .batch_size = 8, .verbose = 0});
  const auto table = ctnn::detail::parameter_table<net>();
  std::vector<std::string> names;
  for (const auto& e : table) names.push_back(e.name);
  CHECK(names == std::vector<std::string>{"dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias",
                                          "batch_normalization/gamma", "batch_normalization/beta", "dense_2/kernel",
                                          "dense_2/bias", "dense_3/kernel", "dense_3/bias"});
  model_type b({}, {}, {.seed = 9});
  ctnn::load_from_memory(b, ctnn::save_to_memory(a));
  CHECK(std::equal(a.parameters().begin(), a.parameters().end(), b.parameters().begin()));
  // The moving statistics of the batch normalization inside the block travel too.
  const auto pa = a.predict(x), pb = b.predict(x);
  for (std::size_t i = 0; i < 16 * 2; ++i) CHECK(pa.data()[i] == pb.data()[i]);
}

namespace {
// A WaveNet-style causal stack: a dilated causal convolution through a gated activation
// (tanh and sigmoid paths multiplied), a 1x1 convolution and the residual sum; the skip sums of
// every level's output as a branches<add> around the rest of the stack.
template <std::size_t D>
using gated = branches<ctnn::multiply,
                       path<ctnn::conv1d<4, ctnn::kernel<2>, ctnn::padding::causal, ctnn::dilation_rate<D>, ctnn::tanh>>,
                       path<ctnn::conv1d<4, ctnn::kernel<2>, ctnn::padding::causal, ctnn::dilation_rate<D>, ctnn::sigmoid>>>;
template <std::size_t D>
using wave_level = ctnn::residual<gated<D>, ctnn::conv1d<4, ctnn::kernel<1>, ctnn::padding::causal>>;
template <std::size_t D, class... Rest>
using with_skip = branches<ctnn::add, path<ctnn::conv1d<4, ctnn::kernel<1>, ctnn::padding::causal>>, path<wave_level<D>, Rest...>>;
using wavenet = sequential<input<12, 1>, ctnn::conv1d<4, ctnn::kernel<1>, ctnn::padding::causal>,
                           with_skip<1, with_skip<2, with_skip<4, ctnn::conv1d<4, ctnn::kernel<1>, ctnn::padding::causal>>>>, ctnn::relu, dense<1>>;
}  // namespace

TEST_CASE("branches: a WaveNet-style causal stack streams through step and equals predict", "[branches][streaming]") {
  using model_type = ctnn::model<wavenet, ctnn::loss::mean_squared_error, ctnn::optim::adam>;
  STATIC_REQUIRE(model_type::step_input_size == 1);
  STATIC_REQUIRE(model_type::step_output_size == 1);
  model_type m({}, {}, {.seed = 3});
  ctnn::samples<12, 1> x(1);
  for (std::size_t t = 0; t < 12; ++t) x[0][t] = static_cast<float>(std::sin(0.7 * static_cast<double>(t)));
  const auto whole = m.predict(x);
  // The same sums in another order (a one-row product against the whole sequence's): each value
  // sums at most 8 products of magnitude below 1 per layer, 2 x 8 x 2^-24 apart per layer with
  // activations of slope <= 1 between, over about 12 layers along the longest path: below 1e-5.
  for (int pass = 0; pass < 2; ++pass) {  // and again after reset_states: the same stream
    for (std::size_t t = 0; t < 12; ++t) {
      const auto y = m.step(std::span<const float, 1>(x[0].data() + t, 1));
      CHECK(std::abs(y[0] - whole[0][t]) <= 1e-5);
    }
    m.reset_states();
  }
  // Streaming performs no heap allocation.
  float sum = 0;
  CHECK(ctnn_test::count_allocations([&] {
          for (std::size_t t = 0; t < 12; ++t) sum += m.step(std::span<const float, 1>(x[0].data() + t, 1))[0];
        }) == 0);
  CHECK(sum == sum);
}

TEST_CASE("branches: the WaveNet stack trains and its gradients match finite differences", "[branches][gradient]") {
  ctnn_test::gradient_check<wavenet, ctnn::loss::mean_squared_error> check(2);
  ctnn::detail::rng r(12);
  for (auto& v : check.labels()) v = r.uniform(-1, 1);
  CHECK(check.max_relative_error() < 1e-6);
}
