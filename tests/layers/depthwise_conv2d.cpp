#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <iterator>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include <ctnn/ctnn.hpp>
#include <ctnn/regularizers/l1.hpp>
#include <ctnn/regularizers/l2.hpp>

#include "conv2d_reference.hpp"
#include "support/layer_test.hpp"

namespace {
using ctnn::depth_multiplier;
using ctnn::depthwise_conv2d;
using ctnn::dilation_rate;
using ctnn::input;
using ctnn::kernel;
using ctnn::sequential;
using ctnn::shape;
using ctnn::strides;
namespace padding = ctnn::padding;
using ctnn_test::bound;

template <class Network>
double gradient_error(std::size_t n) { return ctnn_test::gradient_error<Network>(n, 7, 11); }

// A reference case (tests/layers/conv2d_reference.py): Keras' DepthwiseConv2D.
template <class C>
void check_reference() {
  INFO("case " << C::name);
  using L = bound<conv2d_reference::depthwise_of<C>, conv2d_reference::input_of<C>>;
  STATIC_REQUIRE(L::output_shape::dims[2] == C::channels * C::multiplier);
  L layer;
  const auto y = conv2d_reference::forward<L, C>(layer);
  REQUIRE(y.size() == std::size(C::y));  // Keras' output size
  // Inputs, weights and biases are multiples of 1/64 in [-1, 1]: every product is a multiple of
  // 2^-12 of magnitude at most 1, so every partial sum of an output's terms (at most Kh Kw + 1:
  // channels do not mix) is a multiple of 2^-12 below terms in magnitude, exact in float's 24-bit
  // significand while terms <= 2^12: the values must be equal.
  STATIC_REQUIRE(C::kernel_h * C::kernel_w + 1 <= (1u << 12));
  for (std::size_t i = 0; i < y.size(); ++i) CHECK(y[i] == C::y[i]);
}

}  // namespace

TEST_CASE("depthwise_conv2d: shapes, parameters and defaults are Keras'", "[depthwise_conv2d]") {
  // Output channels in_channels * M; spatial sizes as conv2d's.
  using L = bound<depthwise_conv2d<kernel<3>, depth_multiplier<2>>, shape<7, 6, 3>>;
  STATIC_REQUIRE(std::is_same_v<L::output_shape, shape<5, 4, 6>>);
  STATIC_REQUIRE(std::is_same_v<bound<depthwise_conv2d<kernel<3, 2>, strides<2>, padding::same>, shape<7, 6, 3>>::output_shape,
                                shape<4, 3, 3>>);
  STATIC_REQUIRE(std::is_same_v<bound<depthwise_conv2d<kernel<3>, dilation_rate<2>>, shape<7, 6, 3>>::output_shape,
                                shape<3, 2, 3>>);
  using same_even = bound<depthwise_conv2d<kernel<4, 3>, strides<2>, padding::same>, shape<7, 6, 2>>;
  STATIC_REQUIRE(same_even::pad_top == 1);   // out 4: pad_total = 3 * 2 + 4 - 7 = 3, 1 above
  STATIC_REQUIRE(same_even::pad_left == 0);  // out 3: pad_total = 2 * 2 + 3 - 6 = 1, 0 left

  // Keras 3's tensors: "kernel" (Kh, Kw, in_channels, M) with the fans of that shape (receptive
  // field times its last two dimensions), "bias" (in_channels * M).
  STATIC_REQUIRE(L::parameters.size() == 2);
  STATIC_REQUIRE(L::parameters[0].name == std::string_view("kernel"));
  STATIC_REQUIRE(L::parameters[0].dims == std::array<std::size_t, 4>{3, 3, 3, 2});
  STATIC_REQUIRE(L::parameters[0].fan_in == 3 * 3 * 3);
  STATIC_REQUIRE(L::parameters[0].fan_out == 3 * 3 * 2);
  STATIC_REQUIRE(L::parameters[1].name == std::string_view("bias"));
  STATIC_REQUIRE(L::parameters[1].dims[0] == 6);
  STATIC_REQUIRE(L::parameter_count == 3 * 3 * 3 * 2 + 6);  // Keras' summary count
  STATIC_REQUIRE(ctnn::layer_traits<L>::workspace_size == 0);
  STATIC_REQUIRE(ctnn::layer_traits<L>::checks_gradients);

  // Defaults: depth_multiplier 1, linear, strides 1, valid, dilation 1, a bias, glorot_uniform
  // and zeros, no regularizers.
  using d = depthwise_conv2d<kernel<3>>;
  STATIC_REQUIRE(d::multiplier == 1);
  STATIC_REQUIRE(std::is_same_v<d::options::activation_type, ctnn::linear>);
  STATIC_REQUIRE(std::is_same_v<d::strides_type, strides<1, 1>>);
  STATIC_REQUIRE(std::is_same_v<d::padding_type, padding::valid>);
  STATIC_REQUIRE(std::is_same_v<d::dilation_type, dilation_rate<1, 1>>);
  STATIC_REQUIRE(d::options::has_bias);
  STATIC_REQUIRE(std::is_same_v<d::options::kernel_initializer_type, ctnn::init::glorot_uniform>);
  STATIC_REQUIRE(std::is_same_v<d::options::bias_initializer_type, ctnn::init::zeros>);
  STATIC_REQUIRE(!ctnn::layer_traits<bound<d, shape<4, 4, 2>>>::regularized);
  // Options in any order, under Keras' keyword names.
  using o = depthwise_conv2d<kernel<3>, ctnn::relu, ctnn::depthwise_initializer<ctnn::init::he_normal>, padding::same,
                             ctnn::depthwise_regularizer<ctnn::regularizers::l2>, depth_multiplier<3>, ctnn::use_bias<false>>;
  STATIC_REQUIRE(std::is_same_v<o::options::kernel_initializer_type, ctnn::init::he_normal>);
  STATIC_REQUIRE(std::is_same_v<o::options::activation_type, ctnn::relu>);
  using bo = bound<o, shape<4, 4, 2>>;
  STATIC_REQUIRE(bo::parameter_count == 3 * 3 * 2 * 3);
  STATIC_REQUIRE(ctnn::layer_traits<bo>::regularized);
  STATIC_REQUIRE(std::is_same_v<decltype(bo{}.kernel_regularizer), ctnn::regularizers::l2>);

  // The network description: the window, the dilation when there is one, the depth multiplier.
  using net = sequential<input<7, 6, 3>, depthwise_conv2d<kernel<3>, depth_multiplier<2>, ctnn::relu, dilation_rate<2, 1>>>;
  CHECK(std::string(ctnn::network_description<net>) ==
        "ctnn/1;input=7x6x3;depthwise_conv2d(in=7x6x3,out=3x4x6,activation=relu,window=3x3,strides=1x1,padding=valid,"
        "dilation_rate=2x1,depth_multiplier=2,kernel=3x3x3x2,bias=6)");
}

TEST_CASE("depthwise_conv2d: the links are checked", "[depthwise_conv2d]") {
  using ctnn::detail::refuses_with;
  using In = shape<6, 6, 2>;
  using ctnn::detail::links;
  STATIC_REQUIRE(links<depthwise_conv2d<kernel<3>>, In>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::needs_rank_3, depthwise_conv2d<kernel<3>>, shape<6, 6>>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::zero_depth_multiplier, depthwise_conv2d<kernel<3>, depth_multiplier<0>>, In>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::zero_window, depthwise_conv2d<kernel<0, 3>>, In>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::zero_stride, depthwise_conv2d<kernel<3>, strides<0>>, In>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::window_too_large, depthwise_conv2d<kernel<7>>, In>);
  STATIC_REQUIRE(links<depthwise_conv2d<kernel<7>, padding::same>, In>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::dilation_with_stride, depthwise_conv2d<kernel<3>, strides<2>, dilation_rate<2>>, In>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::dilation_too_large, depthwise_conv2d<kernel<3>, dilation_rate<3>>, In>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::causal_padding_refused, depthwise_conv2d<kernel<3>, padding::causal>, In>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::option_twice, depthwise_conv2d<kernel<3>, depth_multiplier<2>, depth_multiplier<2>>, In>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::option_twice, depthwise_conv2d<kernel<3>, ctnn::relu, ctnn::tanh>, In>);
  // Keras' DepthwiseConv2D takes depthwise_initializer, not kernel_initializer (nor filters).
  using wrong = depthwise_conv2d<kernel<3>, ctnn::kernel_initializer<ctnn::init::zeros>>;
  STATIC_REQUIRE(refuses_with<wrong::unknown_option, wrong, In>);
  using pointwise = depthwise_conv2d<kernel<3>, ctnn::pointwise_initializer<ctnn::init::zeros>>;
  STATIC_REQUIRE(refuses_with<pointwise::unknown_option, pointwise, In>);
}

TEST_CASE("depthwise_conv2d: forward by hand, output channel c * M + m", "[depthwise_conv2d]") {
  // x: 2 x 2 pixels, channels (a, b) = (1, 10), (2, 20), (3, 30), (4, 40). Kernel 2 x 2, M = 2:
  // W(ky, kx, c, m) = (ky * 2 + kx + 1) * (c == 0 ? 1 : -1) * (m + 1), bias (0.5, 0.25, -1, 2).
  // Output channel c M + m = sum over the 4 taps of x(tap, c) W(tap, c, m) + b(c M + m):
  //   channel a, m 0: 1*1 + 2*2 + 3*3 + 4*4 = 30, + 0.5 = 30.5; m 1: 60 + 0.25 = 60.25
  //   channel b, m 0: -(10*1 + 20*2 + 30*3 + 40*4) = -300, - 1 = -301; m 1: -600 + 2 = -598
  using L = bound<depthwise_conv2d<kernel<2>, depth_multiplier<2>>, shape<2, 2, 2>>;
  L layer;
  std::vector<double> params(L::parameter_storage);
  for (std::size_t tap = 0; tap < 4; ++tap)
    for (std::size_t c = 0; c < 2; ++c)
      for (std::size_t m = 0; m < 2; ++m)
        params[(tap * 2 + c) * 2 + m] = double(tap + 1) * (c == 0 ? 1.0 : -1.0) * double(m + 1);
  const double bias[] = {0.5, 0.25, -1, 2};
  std::copy(std::begin(bias), std::end(bias), params.begin() + L::bias_offset);
  const double x[] = {1, 10, 2, 20, 3, 30, 4, 40};
  std::vector<double> y(4);
  ctnn::pass_context ctx;
  layer.forward(ctnn::forward_io<double>{params.data(), x, y.data(), 1}, ctx);
  CHECK(y == std::vector<double>{30.5, 60.25, -301, -598});

  // Backward of the same (linear, so dz = dy): dW(tap, c, m) = x(tap, c) dy(c M + m),
  // db = dy, dx(tap, c) = sum over m of W(tap, c, m) dy(c M + m).
  std::vector<double> dy{1, -1, 0.5, 2}, grads(L::parameter_storage, -99), dx(8, -99);
  layer.backward(ctnn::backward_io<double>{params.data(), grads.data(), x, y.data(), dy.data(), dx.data(), 1}, ctx);
  // tap 0 (x = 1, 10): dW = (1*1, 1*-1, 10*0.5, 10*2); dx = (1*1 + 2*-1, -1*0.5 + -2*2) = (-1, -4.5)
  CHECK(std::vector<double>(grads.begin(), grads.begin() + 4) == std::vector<double>{1, -1, 5, 20});
  CHECK(std::vector<double>(grads.begin() + L::bias_offset, grads.begin() + L::bias_offset + 4) == dy);
  // tap t: W(t, a, m) = (t + 1)(m + 1), W(t, b, m) = -(t + 1)(m + 1): dx(t, a) = -(t + 1),
  // dx(t, b) = -(t + 1)(0.5 + 4) = -4.5 (t + 1).
  CHECK(dx == std::vector<double>{-1, -4.5, -2, -9, -3, -13.5, -4, -18});
}

TEST_CASE("depthwise_conv2d: forward equals Keras' DepthwiseConv2D (reference values from PyTorch)", "[depthwise_conv2d]") {
  []<class... C>(std::tuple<C...>*) { (check_reference<C>(), ...); }(static_cast<conv2d_reference::depthwise_cases*>(nullptr));
}

TEST_CASE("depthwise_conv2d: gradients match finite differences (double precision)", "[depthwise_conv2d][gradient]") {
  SECTION("valid, M = 2, then same at stride 2 with an even kernel; the second uses dL/dx") {
    using net = sequential<input<6, 5, 2>, depthwise_conv2d<kernel<3, 2>, ctnn::tanh, depth_multiplier<2>>,
                           depthwise_conv2d<kernel<2, 3>, ctnn::sigmoid, strides<2>, padding::same>, ctnn::flatten,
                           ctnn::dense<2>>;
    CHECK(gradient_error<net>(2) < 1e-6);
  }
  SECTION("dilated same and valid, M = 3, no bias") {
    using net = sequential<input<7, 6, 2>, depthwise_conv2d<kernel<3>, ctnn::tanh, padding::same, dilation_rate<2, 3>>,
                           depthwise_conv2d<kernel<2>, depth_multiplier<3>, dilation_rate<2>, ctnn::use_bias<false>>,
                           ctnn::flatten, ctnn::dense<2>>;
    CHECK(gradient_error<net>(2) < 1e-6);
  }
  SECTION("with depthwise and bias regularizers (their penalty is part of the loss)") {
    using net = sequential<input<5, 5, 2>,
                           depthwise_conv2d<kernel<3>, ctnn::tanh, ctnn::depthwise_regularizer<ctnn::regularizers::l2>,
                                            ctnn::bias_regularizer<ctnn::regularizers::l1>, padding::same>,
                           ctnn::flatten, ctnn::dense<2>>;
    STATIC_REQUIRE(net::regularized);
    CHECK(gradient_error<net>(2) < 1e-6);
  }
  SECTION("as the last layer (one output pixel), a softmax with the fused cross-entropy: the logits") {
    using net = sequential<input<3, 3, 2>, ctnn::conv2d<2, kernel<1>, ctnn::tanh>,
                           depthwise_conv2d<kernel<3>, depth_multiplier<2>, ctnn::softmax>>;
    STATIC_REQUIRE(std::is_same_v<net::output_shape, shape<1, 1, 4>>);
    ctnn_test::gradient_check<net, ctnn::loss::categorical_crossentropy> check(3);
    for (std::size_t s = 0; s < 3; ++s) check.labels()[s * 4 + s] = 1;
    CHECK(check.max_relative_error(true) < 1e-6);
  }
}
