#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstddef>
#include <iterator>
#include <span>
#include <string>
#include <string_view>
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
using ctnn::separable_conv2d;
using ctnn::sequential;
using ctnn::shape;
using ctnn::strides;
namespace padding = ctnn::padding;
using ctnn_test::bound;

template <class Network>
double gradient_error(std::size_t n) { return ctnn_test::gradient_error<Network>(n, 7, 11); }

// A reference case (tests/layers/conv2d_reference.py): Keras' SeparableConv2D.
template <class C>
void check_reference() {
  INFO("case " << C::name);
  using L = bound<conv2d_reference::separable_of<C>, conv2d_reference::input_of<C>>;
  L layer;
  const auto y = conv2d_reference::forward<L, C>(layer);
  REQUIRE(y.size() == std::size(C::y));  // Keras' output size
  // Inputs and weights are multiples of 1/64 in [-1, 1]. The depthwise step's outputs are sums of
  // at most Kh Kw products, multiples of 2^-12 below Kh Kw in magnitude, exact in float. The
  // pointwise products of those with multiples of 1/64 are multiples of 2^-18, and every partial
  // sum of an output (channels M of them, plus the bias) is below channels M Kh Kw + 1 in
  // magnitude: exact in float's 24-bit significand while that bound is at most 2^6 (checked
  // below). So the float computation is exact whatever the order or FMA: the values must be equal.
  STATIC_REQUIRE(C::channels * C::multiplier * C::kernel_h * C::kernel_w + 1 <= (1u << 6));
  for (std::size_t i = 0; i < y.size(); ++i) CHECK(y[i] == C::y[i]);
}

}  // namespace

TEST_CASE("separable_conv2d: shapes, parameters and defaults are Keras'", "[separable_conv2d]") {
  using L = bound<separable_conv2d<5, kernel<3, 2>, depth_multiplier<2>, padding::same, strides<2>>, shape<7, 6, 3>>;
  STATIC_REQUIRE(std::is_same_v<L::output_shape, shape<4, 3, 5>>);
  STATIC_REQUIRE(std::is_same_v<L::middle_shape, shape<4, 3, 6>>);  // the depthwise output
  // Keras 3's tensors, in its order: depthwise_kernel (Kh, Kw, in, M), pointwise_kernel (1, 1,
  // in M, filters), bias (filters); each with Keras' fans of its own shape.
  STATIC_REQUIRE(L::parameters.size() == 3);
  STATIC_REQUIRE(L::parameters[0].name == std::string_view("depthwise_kernel"));
  STATIC_REQUIRE(L::parameters[0].dims == std::array<std::size_t, 4>{3, 2, 3, 2});
  STATIC_REQUIRE(L::parameters[0].fan_in == 3 * 2 * 3);
  STATIC_REQUIRE(L::parameters[0].fan_out == 3 * 2 * 2);
  STATIC_REQUIRE(L::parameters[1].name == std::string_view("pointwise_kernel"));
  STATIC_REQUIRE(L::parameters[1].dims == std::array<std::size_t, 4>{1, 1, 6, 5});
  STATIC_REQUIRE(L::parameters[1].fan_in == 6);
  STATIC_REQUIRE(L::parameters[1].fan_out == 5);
  STATIC_REQUIRE(L::parameters[1].role == ctnn::parameter_role::kernel);
  STATIC_REQUIRE(L::parameters[2].name == std::string_view("bias"));
  STATIC_REQUIRE(L::parameters[2].size == 5);
  STATIC_REQUIRE(L::parameters[2].role == ctnn::parameter_role::bias);
  // The pointwise slice starts where the depthwise one ends.
  STATIC_REQUIRE(L::parameters[1].offset == L::depthwise_layer::parameter_storage);
  STATIC_REQUIRE(L::parameters[2].offset == L::pointwise_offset + L::pointwise_layer::bias_offset);
  STATIC_REQUIRE(L::parameter_count == 3 * 2 * 3 * 2 + 6 * 5 + 5);  // Keras' summary count
  // The depthwise output and its gradient, per sample.
  STATIC_REQUIRE(ctnn::layer_traits<L>::workspace_size == 2 * 4 * 3 * 6);
  STATIC_REQUIRE(ctnn::layer_traits<L>::checks_gradients);
  STATIC_REQUIRE(bound<separable_conv2d<5, kernel<3>, ctnn::use_bias<false>>, shape<4, 4, 2>>::parameters.size() == 2);

  // Defaults: depth_multiplier 1, linear, strides 1, valid, dilation 1, a bias, glorot_uniform
  // for both kernels, zeros, no regularizers.
  using d = separable_conv2d<4, kernel<3>>;
  STATIC_REQUIRE(d::multiplier == 1);
  using dl = bound<d, shape<5, 5, 2>>;
  STATIC_REQUIRE(std::is_same_v<ctnn::layer_traits<dl>::activation_type, ctnn::linear>);
  STATIC_REQUIRE(std::is_same_v<typename d::depthwise_spec::options::kernel_initializer_type, ctnn::init::glorot_uniform>);
  STATIC_REQUIRE(std::is_same_v<typename d::pointwise_spec::options::kernel_initializer_type, ctnn::init::glorot_uniform>);
  STATIC_REQUIRE(std::is_same_v<typename d::pointwise_spec::options::bias_initializer_type, ctnn::init::zeros>);
  STATIC_REQUIRE(std::is_same_v<typename d::depthwise_spec::strides_type, strides<1, 1>>);
  STATIC_REQUIRE(std::is_same_v<typename d::depthwise_spec::padding_type, padding::valid>);
  STATIC_REQUIRE(!ctnn::layer_traits<dl>::regularized);
  STATIC_REQUIRE(std::is_same_v<dl::output_shape, shape<3, 3, 4>>);

  // Each option reaches its step, under Keras' keyword names.
  using o = separable_conv2d<4, kernel<3>, ctnn::depthwise_initializer<ctnn::init::he_normal>, ctnn::leaky_relu,
                             ctnn::pointwise_initializer<ctnn::init::zeros>, ctnn::bias_initializer<ctnn::init::he_normal>,
                             ctnn::pointwise_regularizer<ctnn::regularizers::l1>, depth_multiplier<2>>;
  STATIC_REQUIRE(std::is_same_v<typename o::depthwise_spec::options::kernel_initializer_type, ctnn::init::he_normal>);
  STATIC_REQUIRE(std::is_same_v<typename o::pointwise_spec::options::kernel_initializer_type, ctnn::init::zeros>);
  STATIC_REQUIRE(std::is_same_v<typename o::pointwise_spec::options::bias_initializer_type, ctnn::init::he_normal>);
  STATIC_REQUIRE(!o::depthwise_spec::options::has_bias);  // the bias is the pointwise step's
  using ol = bound<o, shape<5, 5, 2>>;
  STATIC_REQUIRE(ctnn::layer_traits<ol>::regularized);
  STATIC_REQUIRE(std::is_same_v<decltype(ol{}.pointwise.kernel_regularizer), ctnn::regularizers::l1>);
  STATIC_REQUIRE(std::is_same_v<ctnn::layer_traits<ol>::activation_type, ctnn::leaky_relu>);
  // Run-time hyperparameters are the steps' own members.
  ol layer;
  layer.pointwise.activation.alpha = 0.1f;
  layer.pointwise.kernel_regularizer.l1 = 0.5f;
  CHECK(layer.pointwise.activation.alpha == 0.1f);

  // The network description: the window, dilation when there is one, the depth multiplier, and
  // the tensors under their Keras names.
  using net = sequential<input<7, 6, 3>, separable_conv2d<5, kernel<3>, ctnn::relu, depth_multiplier<2>, dilation_rate<2>>>;
  CHECK(std::string(ctnn::network_description<net>) ==
        "ctnn/1;input=7x6x3;separable_conv2d(in=7x6x3,out=3x2x5,activation=relu,window=3x3,strides=1x1,padding=valid,"
        "dilation_rate=2x2,depth_multiplier=2,depthwise_kernel=3x3x3x2,pointwise_kernel=1x1x6x5,bias=5)");
}

TEST_CASE("separable_conv2d: the links are checked", "[separable_conv2d]") {
  using ctnn::detail::links;
  using ctnn::detail::refuses_with;
  using In = shape<6, 6, 2>;
  STATIC_REQUIRE(links<separable_conv2d<3, kernel<3>>, In>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::zero_units, separable_conv2d<0, kernel<3>>, In>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::zero_depth_multiplier, separable_conv2d<3, kernel<3>, depth_multiplier<0>>, In>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::needs_rank_3, separable_conv2d<3, kernel<3>>, shape<36>>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::window_too_large, separable_conv2d<3, kernel<7, 1>>, In>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::dilation_with_stride, separable_conv2d<3, kernel<3>, strides<2>, dilation_rate<2>>, In>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::dilation_too_large, separable_conv2d<3, kernel<3>, dilation_rate<1, 3>>, In>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::causal_padding_refused, separable_conv2d<3, kernel<3>, padding::causal>, In>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::option_twice,
                              separable_conv2d<3, kernel<3>, ctnn::pointwise_initializer<ctnn::init::zeros>,
                                               ctnn::pointwise_initializer<ctnn::init::zeros>>,
                              In>);
  // Keras' SeparableConv2D takes depthwise_ and pointwise_ initializers and regularizers, not
  // kernel_ ones.
  using wrong = separable_conv2d<3, kernel<3>, ctnn::kernel_regularizer<ctnn::regularizers::l2>>;
  STATIC_REQUIRE(refuses_with<wrong::unknown_option, wrong, In>);
}

TEST_CASE("separable_conv2d: it is depthwise_conv2d without a bias, then a 1x1 conv2d", "[separable_conv2d]") {
  // The same parameters through the two layers Keras' separable convolution is defined as give
  // the same loss and gradients. They are different instantiations, which the compiler may
  // contract into FMAs differently, so the values are chosen to make every step exact in double:
  // inputs, parameters and labels are multiples of 1/64 in [-1, 1]; the depthwise outputs are
  // multiples of 2^-12 below 6 (3 x 2 taps), the outputs multiples of 2^-18 below 25 (4 channels
  // and the bias), dL/dy = (y - t) 2 / 64 (64 = n x 32 outputs, a power of two) multiples of
  // 2^-23, and every gradient a sum of at most 64 products of such numbers, far inside double's
  // 53-bit significand. Exact values: equal, bit for bit.
  using separable = sequential<input<4, 4, 2>, separable_conv2d<2, kernel<3, 2>, depth_multiplier<2>, padding::same,
                                                                dilation_rate<1, 2>>>;
  using two_layers = sequential<input<4, 4, 2>,
                                depthwise_conv2d<kernel<3, 2>, depth_multiplier<2>, padding::same, dilation_rate<1, 2>,
                                                 ctnn::use_bias<false>>,
                                ctnn::conv2d<2, kernel<1>>>;
  STATIC_REQUIRE(separable::output_shape::size == 32);
  STATIC_REQUIRE(separable::parameter_storage == two_layers::parameter_storage);
  auto sixty_fourths = [](std::vector<double>& v, std::uint64_t seed) {
    v = ctnn_test::random_values<double>(v.size(), seed);
    for (auto& x : v) x = std::round(x * 64) / 64;
  };
  ctnn_test::gradient_check<separable, ctnn::loss::mean_squared_error> one(2);
  ctnn_test::gradient_check<two_layers, ctnn::loss::mean_squared_error> two(2);
  sixty_fourths(one.parameters(), 3);
  sixty_fourths(one.inputs(), 4);
  sixty_fourths(one.labels(), 5);
  two.parameters() = one.parameters();
  two.inputs() = one.inputs();
  two.labels() = one.labels();
  CHECK(one.loss() == two.loss());
  const std::vector<double> a = one.analytic(false), b = two.analytic(false);
  CHECK(a == b);
}

TEST_CASE("separable_conv2d: forward equals Keras' SeparableConv2D (reference values from PyTorch)", "[separable_conv2d]") {
  []<class... C>(std::tuple<C...>*) { (check_reference<C>(), ...); }(static_cast<conv2d_reference::separable_cases*>(nullptr));
}

TEST_CASE("separable_conv2d: gradients match finite differences (double precision)", "[separable_conv2d][gradient]") {
  SECTION("valid, M = 2, then same at stride 2; the second uses dL/dx") {
    using net = sequential<input<6, 5, 2>, separable_conv2d<3, kernel<3, 2>, ctnn::tanh, depth_multiplier<2>>,
                           separable_conv2d<2, kernel<2, 3>, ctnn::sigmoid, strides<2>, padding::same>, ctnn::flatten,
                           ctnn::dense<2>>;
    CHECK(gradient_error<net>(2) < 1e-6);
  }
  SECTION("dilated, no bias") {
    using net = sequential<input<7, 6, 2>,
                           separable_conv2d<3, kernel<3>, ctnn::tanh, padding::same, dilation_rate<2, 3>, ctnn::use_bias<false>>,
                           ctnn::flatten, ctnn::dense<2>>;
    CHECK(gradient_error<net>(2) < 1e-6);
  }
  SECTION("with depthwise, pointwise and bias regularizers (their penalties are part of the loss)") {
    using net = sequential<input<5, 5, 2>,
                           separable_conv2d<3, kernel<3>, ctnn::tanh, ctnn::depthwise_regularizer<ctnn::regularizers::l2>,
                                            ctnn::pointwise_regularizer<ctnn::regularizers::l1>,
                                            ctnn::bias_regularizer<ctnn::regularizers::l2>, padding::same>,
                           ctnn::flatten, ctnn::dense<2>>;
    STATIC_REQUIRE(net::regularized);
    CHECK(gradient_error<net>(2) < 1e-6);
  }
  SECTION("as the last layer (one output pixel), a softmax with the fused cross-entropy: the logits") {
    using net = sequential<input<3, 3, 2>, separable_conv2d<4, kernel<3>, depth_multiplier<2>, ctnn::softmax>>;
    STATIC_REQUIRE(std::is_same_v<net::output_shape, shape<1, 1, 4>>);
    ctnn_test::gradient_check<net, ctnn::loss::categorical_crossentropy> check(3);
    for (std::size_t s = 0; s < 3; ++s) check.labels()[s * 4 + s] = 1;
    CHECK(check.max_relative_error(true) < 1e-6);
  }
}
