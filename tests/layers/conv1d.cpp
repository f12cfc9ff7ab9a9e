#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <ctnn/ctnn.hpp>
#include <ctnn/regularizers/l2.hpp>

#include "support/allocation_counter.hpp"
#include "support/layer_test.hpp"

namespace {
using ctnn::conv1d;
using ctnn::dilation_rate;
using ctnn::input;
using ctnn::kernel;
using ctnn::pool;
using ctnn::sequential;
using ctnn::shape;
using ctnn::strides;
namespace padding = ctnn::padding;
using ctnn_test::bound;

// One case of tests/layers/conv1d_reference.inc: Keras' Conv1D on n samples, weights in Keras'
// layout (K, channels, filters), the output channels-last.
struct conv_case {
  const char* name;
  std::size_t n, steps, channels, filters, kernel, stride, dilation;
  const char* padding;
  std::vector<double> x, kernel_values, bias, y;
};
struct pool_case {
  const char* name;
  const char* kind;
  std::size_t n, steps, channels, size, stride;
  const char* padding;
  std::vector<double> x, y;
};
#include "conv1d_reference.inc"

// The layers of the reference cases, in the order of the script's cases (the test checks that
// each one's hyperparameters are the case's).
using conv_reference_layers = std::tuple<
    bound<conv1d<4, kernel<3>>, shape<7, 3>>,
    bound<conv1d<3, kernel<3>, padding::same>, shape<6, 2>>,
    bound<conv1d<3, kernel<4>, padding::same>, shape<7, 2>>,
    bound<conv1d<2, kernel<4>, strides<2>, padding::same>, shape<8, 2>>,
    bound<conv1d<3, kernel<3>, padding::causal>, shape<6, 2>>,
    bound<conv1d<3, kernel<3>, padding::causal, dilation_rate<2>>, shape<9, 2>>,
    bound<conv1d<2, kernel<3>, strides<2>>, shape<9, 3>>,
    bound<conv1d<3, kernel<3>, dilation_rate<2>>, shape<9, 2>>,
    bound<conv1d<2, kernel<3>, padding::same, dilation_rate<3>>, shape<7, 1>>>;
using pool_reference_layers = std::tuple<
    bound<ctnn::max_pool1d<pool<2>>, shape<7, 2>>,
    bound<ctnn::max_pool1d<pool<3>, strides<1>, padding::same>, shape<5, 2>>,
    bound<ctnn::max_pool1d<pool<3>, strides<2>, padding::same>, shape<7, 3>>,
    bound<ctnn::average_pool1d<pool<3>, strides<1>>, shape<6, 2>>,
    bound<ctnn::average_pool1d<pool<2>, padding::same>, shape<7, 2>>,
    bound<ctnn::average_pool1d<pool<4>, strides<1>, padding::same>, shape<5, 1>>>;

// The padding a bound layer describes (layer_traits<L>::describe).
struct padding_reader {
  std::string padding;
  template <std::size_t N>
  void dims(std::string_view, const std::array<std::size_t, N>&) {}
  void word(std::string_view name, std::string_view value) {
    if (name == "padding") padding = std::string(value);
  }
};
template <class L>
std::string padding_name() {
  padding_reader d;
  ctnn::layer_traits<L>::describe(d);
  return d.padding;
}

template <class L>
void check_conv_case(const conv_case& c) {
  INFO("case " << c.name);
  REQUIRE(L::input_shape::dims[0] == c.steps);
  REQUIRE(L::input_shape::dims[1] == c.channels);
  REQUIRE(L::output_shape::dims[1] == c.filters);
  REQUIRE(L::parameters[0].dims[0] == c.kernel);
  REQUIRE(padding_name<L>() == c.padding);
  REQUIRE(L::output_shape::size * c.n == c.y.size());  // Keras' output length
  L layer;
  std::vector<float> params(L::parameter_storage);
  std::copy(c.kernel_values.begin(), c.kernel_values.end(), params.begin());
  std::copy(c.bias.begin(), c.bias.end(), params.begin() + L::bias_offset);
  const std::vector<float> x(c.x.begin(), c.x.end());
  std::vector<float> y(c.y.size(), -99.0f), work(c.n * L::workspace_size + 1);
  ctnn::pass_context ctx;
  layer.forward(ctnn::forward_io<float>{params.data(), x.data(), y.data(), c.n, work.data()}, ctx);
  // Inputs, weights and biases are multiples of 1/64 in [-1, 1]: every product is a multiple of
  // 2^-12 and every partial sum (at most K * channels + 1 = 13 terms, below 16 in magnitude) fits
  // in float's 24-bit significand, so the float computation is exact in any summation order, FMA
  // or not: the values must be equal.
  for (std::size_t i = 0; i < y.size(); ++i) CHECK(y[i] == c.y[i]);
}

template <class L>
void check_pool_case(const pool_case& c) {
  INFO("case " << c.name);
  REQUIRE(L::input_shape::dims[0] == c.steps);
  REQUIRE(L::input_shape::dims[1] == c.channels);
  REQUIRE(std::string(L::kind) == std::string(c.kind) + "_pooling1d");
  REQUIRE(padding_name<L>() == c.padding);
  REQUIRE(L::output_shape::size * c.n == c.y.size());
  L layer;
  const std::vector<float> x(c.x.begin(), c.x.end());
  std::vector<float> y(c.y.size(), -99.0f), work(c.n * ctnn::layer_traits<L>::workspace_size + 1);
  ctnn::pass_context ctx;
  layer.forward(ctnn::forward_io<float>{nullptr, x.data(), y.data(), c.n, work.data()}, ctx);
  // A max is one of the inputs, exactly. A mean: the sum of at most 4 multiples of 1/64 is exact;
  // scaling it by the float 1/count rounds twice, a relative error below 2 * 2^-24.
  for (std::size_t i = 0; i < y.size(); ++i) CHECK(std::abs(y[i] - c.y[i]) <= 2 * 0x1p-24 * std::abs(c.y[i]));
}

template <class Network>
double gradient_error(std::size_t n) { return ctnn_test::gradient_error<Network>(n, 7, 11); }

// Multiples of 1/64 in [-1, 1]: sums of their products are exact in float (as above), so two
// computations that differ only in summation order agree exactly.
std::vector<float> sixty_fourths(std::size_t count, std::uint64_t seed) {
  auto v = ctnn_test::random_values<float>(count, seed);
  for (auto& x : v) x = std::round(x * 64.0f) / 64.0f;
  return v;
}

// A whole sequence through step (state zeroed first) gives forward's output rows, and the steps
// allocate nothing.
template <class Spec, class In>
void check_streaming() {
  using L = bound<Spec, In>;
  STATIC_REQUIRE(ctnn::layer_traits<L>::streams);
  constexpr std::size_t steps = In::dims[0], channels = In::dims[1], filters = Spec::filters;
  L layer;
  const auto params = sixty_fourths(L::parameter_storage, 3);
  const auto x = sixty_fourths(In::size, 4);
  std::vector<float> y(L::output_shape::size), work(L::workspace_size);
  ctnn::pass_context ctx;
  layer.forward(ctnn::forward_io<float>{params.data(), x.data(), y.data(), 1, work.data()}, ctx);

  std::vector<float> state(ctnn::layer_traits<L>::streaming_state_size, 0.0f), out(steps * filters, -99.0f);
  auto run = [&] {
    std::fill(state.begin(), state.end(), 0.0f);
    for (std::size_t t = 0; t < steps; ++t)
      layer.step(ctnn::step_io<float>{params.data(), x.data() + t * channels, out.data() + t * filters, state.data()});
  };
  run();  // the first product on this thread may grow its scratch (model::warm_up does the same)
  CHECK(ctnn_test::count_allocations(run) == 0);
  // Exact: see sixty_fourths.
  for (std::size_t i = 0; i < y.size(); ++i) CHECK(out[i] == y[i]);
  // The state is the last steps of the input, oldest first.
  const std::size_t kept = state.size() / channels;
  for (std::size_t i = 0; i < state.size(); ++i) CHECK(state[i] == x[(steps - kept) * channels + i]);
}

}  // namespace

TEST_CASE("conv1d: shapes, parameters and defaults are Keras'", "[conv1d]") {
  // valid: out = (steps - D (K - 1) - 1) / S + 1.
  STATIC_REQUIRE(std::is_same_v<bound<conv1d<8, kernel<3>>, shape<10, 2>>::output_shape, shape<8, 8>>);
  STATIC_REQUIRE(std::is_same_v<bound<conv1d<8, kernel<3>, strides<2>>, shape<10, 2>>::output_shape, shape<4, 8>>);
  STATIC_REQUIRE(std::is_same_v<bound<conv1d<8, kernel<3>, dilation_rate<4>>, shape<10, 2>>::output_shape, shape<2, 8>>);
  // same: ceil(steps / S), the extra padding after; with dilation the effective kernel counts.
  using same_even = bound<conv1d<2, kernel<4>, padding::same>, shape<7, 1>>;
  STATIC_REQUIRE(std::is_same_v<same_even::output_shape, shape<7, 2>>);
  STATIC_REQUIRE(same_even::pad_before == 1);  // pad_total = 6 + 4 - 7 = 3: 1 before, 2 after
  STATIC_REQUIRE(std::is_same_v<bound<conv1d<2, kernel<3>, strides<3>, padding::same>, shape<10, 1>>::output_shape,
                                shape<4, 2>>);
  STATIC_REQUIRE(bound<conv1d<2, kernel<3>, padding::same, dilation_rate<2>>, shape<7, 1>>::pad_before == 2);
  // causal: D (K - 1) before, then valid; out = (steps - 1) / S + 1.
  using causal = bound<conv1d<2, kernel<3>, padding::causal, dilation_rate<2>>, shape<7, 1>>;
  STATIC_REQUIRE(std::is_same_v<causal::output_shape, shape<7, 2>>);
  STATIC_REQUIRE(causal::pad_before == 4);
  STATIC_REQUIRE(std::is_same_v<bound<conv1d<2, kernel<3>, padding::causal, strides<2>>, shape<7, 1>>::output_shape,
                                shape<4, 2>>);
  // A dilated kernel longer than the input is fine once padded (same, causal).
  STATIC_REQUIRE(std::is_same_v<bound<conv1d<1, kernel<3>, padding::same, dilation_rate<5>>, shape<3, 1>>::output_shape,
                                shape<3, 1>>);

  // Kernel (K, in_channels, filters), bias (filters), Keras' fans; parameter count as Keras'.
  using net = sequential<input<20, 3>, conv1d<16, kernel<5>, ctnn::relu, padding::causal>, ctnn::flatten, ctnn::dense<2>>;
  using c = std::tuple_element_t<0, net::layer_types>;
  STATIC_REQUIRE(c::parameters[0].dims == std::array<std::size_t, 4>{5, 3, 16, 0});
  STATIC_REQUIRE(c::parameters[0].rank == 3);
  STATIC_REQUIRE(c::parameters[0].fan_in == 15);
  STATIC_REQUIRE(c::parameters[0].fan_out == 80);
  STATIC_REQUIRE(c::parameters[1].size == 16);
  STATIC_REQUIRE(net::parameter_counts == std::array<std::size_t, 3>{5 * 3 * 16 + 16, 0, 20 * 16 * 2 + 2});
  STATIC_REQUIRE(c::workspace_size == 20 * 15);
  STATIC_REQUIRE(bound<conv1d<4, kernel<1>>, shape<5, 3>>::workspace_size == 0);  // pointwise: x is the columns

  using d = conv1d<4, kernel<3>>;
  STATIC_REQUIRE(std::is_same_v<d::options::activation_type, ctnn::linear>);
  STATIC_REQUIRE(d::stride == 1);
  STATIC_REQUIRE(d::dilation == 1);
  STATIC_REQUIRE(std::is_same_v<d::padding_type, padding::valid>);
  STATIC_REQUIRE(std::is_same_v<d::options::kernel_initializer_type, ctnn::init::glorot_uniform>);
  STATIC_REQUIRE(bound<conv1d<4, kernel<3>, ctnn::use_bias<false>>, shape<5, 2>>::parameter_count == 24);

  // Only a causal convolution at stride 1 streams; its state is D (K - 1) steps of channels.
  STATIC_REQUIRE(ctnn::layer_traits<c>::streams);
  STATIC_REQUIRE(ctnn::layer_traits<c>::streaming_state_size == 4 * 3);
  STATIC_REQUIRE(ctnn::layer_traits<causal>::streaming_state_size == 4);
  STATIC_REQUIRE(!ctnn::layer_traits<bound<conv1d<2, kernel<3>>, shape<7, 1>>>::streams);
  STATIC_REQUIRE(!ctnn::layer_traits<bound<conv1d<2, kernel<3>, padding::same>, shape<7, 1>>>::streams);
  STATIC_REQUIRE(!ctnn::layer_traits<bound<conv1d<2, kernel<3>, padding::causal, strides<2>>, shape<7, 1>>>::streams);
  STATIC_REQUIRE(!ctnn::layer_traits<bound<ctnn::max_pool1d<>, shape<6, 1>>>::streams);

  // The network description names the 1D window, its padding and its dilation.
  const std::string text(ctnn::network_description<net>);
  CHECK_THAT(text, Catch::Contains("conv1d(in=20x3,out=20x16,activation=relu,window=5,strides=1,padding=causal,"
                                   "dilation_rate=1,kernel=5x3x16,bias=16)"));
}

TEST_CASE("conv1d and the 1D pools: the links are checked", "[conv1d]") {
  using ctnn::detail::refuses_with;
  STATIC_REQUIRE(refuses_with<ctnn::detail::needs_rank_2, conv1d<2, kernel<3>>, shape<10>>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::needs_rank_2, conv1d<2, kernel<3>>, shape<10, 10, 1>>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::needs_one_size, conv1d<2, kernel<3, 5>>, shape<10, 1>>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::needs_one_size, conv1d<2, kernel<3>, strides<1, 2>>, shape<10, 1>>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::zero_units, conv1d<0, kernel<3>>, shape<10, 1>>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::zero_window, conv1d<2, kernel<0>>, shape<10, 1>>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::zero_stride, conv1d<2, kernel<3>, strides<0>>, shape<10, 1>>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::zero_dilation, conv1d<2, kernel<3>, dilation_rate<0>>, shape<10, 1>>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::dilation_with_stride, conv1d<2, kernel<3>, dilation_rate<2>, strides<2>>,
                              shape<10, 1>>);
  // D (K - 1) + 1 = 11 > 10 with valid: refused; 10 fits.
  STATIC_REQUIRE(refuses_with<ctnn::detail::dilation_too_large, conv1d<2, kernel<3>, dilation_rate<5>>, shape<10, 1>>);
  STATIC_REQUIRE(ctnn::detail::links<conv1d<2, kernel<4>, dilation_rate<3>>, shape<10, 1>>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::window_too_large, conv1d<2, kernel<11>>, shape<10, 1>>);
  STATIC_REQUIRE(refuses_with<conv1d<2, kernel<3>, ctnn::dropout_rate>::unknown_option, conv1d<2, kernel<3>, ctnn::dropout_rate>,
                              shape<10, 1>>);
  // causal belongs to conv1d alone, as in Keras.
  STATIC_REQUIRE(refuses_with<ctnn::detail::causal_padding_refused, ctnn::conv2d<2, kernel<3>, padding::causal>,
                              shape<5, 5, 1>>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::causal_padding_refused, ctnn::max_pool2d<pool<2>, padding::causal>,
                              shape<4, 4, 1>>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::causal_padding_refused, ctnn::max_pool1d<pool<2>, padding::causal>,
                              shape<4, 1>>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::needs_rank_2, ctnn::average_pool1d<>, shape<4, 4, 1>>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::needs_one_size, ctnn::average_pool1d<pool<2, 3>>, shape<4, 1>>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::window_too_large, ctnn::max_pool1d<pool<5>>, shape<4, 1>>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::needs_rank_2, ctnn::global_max_pool1d, shape<4>>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::needs_rank_2, ctnn::global_average_pool1d, shape<4, 4, 1>>);
}

TEST_CASE("conv1d: forward equals Keras' Conv1D (reference values from PyTorch)", "[conv1d]") {
  const auto& cases = conv_cases();
  REQUIRE(cases.size() == std::tuple_size_v<conv_reference_layers>);
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (check_conv_case<std::tuple_element_t<I, conv_reference_layers>>(cases[I]), ...);
  }(std::make_index_sequence<std::tuple_size_v<conv_reference_layers>>{});
}

TEST_CASE("1D pools: forward equals Keras' MaxPooling1D and AveragePooling1D (reference values from PyTorch)",
          "[conv1d][pool1d]") {
  const auto& cases = pool_cases();
  REQUIRE(cases.size() == std::tuple_size_v<pool_reference_layers>);
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (check_pool_case<std::tuple_element_t<I, pool_reference_layers>>(cases[I]), ...);
  }(std::make_index_sequence<std::tuple_size_v<pool_reference_layers>>{});
  // Keras' defaults: pool 2, strides = the pool size, valid.
  STATIC_REQUIRE(std::is_same_v<bound<ctnn::max_pool1d<>, shape<7, 3>>::output_shape, shape<3, 3>>);
  STATIC_REQUIRE(std::is_same_v<bound<ctnn::average_pool1d<pool<3>>, shape<7, 3>>::output_shape, shape<2, 3>>);
}

TEST_CASE("global 1D pools: values by hand, and the gradient of a tied maximum is shared", "[conv1d][pool1d]") {
  // x = steps (1, -2), (3, 5), (3, 0): max (3, 5), mean (7/3, 1).
  const std::vector<double> x{1, -2, 3, 5, 3, 0};
  std::vector<double> y(2), dy{6, 4}, dx(6, -99);
  ctnn::pass_context ctx;
  bound<ctnn::global_max_pool1d, shape<3, 2>> gmax;
  gmax.forward(ctnn::forward_io<double>{nullptr, x.data(), y.data(), 1}, ctx);
  CHECK(y == std::vector<double>{3, 5});
  gmax.backward(ctnn::backward_io<double>{nullptr, nullptr, x.data(), y.data(), dy.data(), dx.data(), 1}, ctx);
  // Channel 0's maximum 3 is held by steps 1 and 2: each gets half of 6 (TensorFlow's reduce_max).
  CHECK(dx == std::vector<double>{0, 0, 3, 4, 3, 0});
  bound<ctnn::global_average_pool1d, shape<3, 2>> gavg;
  gavg.forward(ctnn::forward_io<double>{nullptr, x.data(), y.data(), 1}, ctx);
  CHECK(y[0] == Approx(7.0 / 3.0).epsilon(1e-15));
  CHECK(y[1] == 1.0);
  STATIC_REQUIRE(std::is_same_v<bound<ctnn::global_max_pool1d, shape<3, 2>>::output_shape, shape<2>>);
}

TEST_CASE("conv1d and the 1D pools: gradients match finite differences (double precision)", "[conv1d][gradient]") {
  SECTION("valid, then same with an even kernel; a second conv1d uses dL/dx") {
    using net = sequential<input<8, 2>, conv1d<3, kernel<3>, ctnn::tanh>, conv1d<2, kernel<4>, ctnn::sigmoid, padding::same>,
                           ctnn::flatten, ctnn::dense<2>>;
    CHECK(gradient_error<net>(2) < 1e-6);
  }
  SECTION("causal with dilation 2, then causal at stride 2; kernel regularizer") {
    using net = sequential<input<9, 2>, conv1d<3, kernel<3>, ctnn::tanh, padding::causal, dilation_rate<2>,
                                               ctnn::kernel_regularizer<ctnn::regularizers::l2>>,
                           conv1d<2, kernel<2>, ctnn::tanh, padding::causal, strides<2>>, ctnn::flatten, ctnn::dense<2>>;
    CHECK(gradient_error<net>(2) < 1e-6);
  }
  SECTION("valid at stride 2, valid with dilation 3, same with dilation 2 on a short input; no bias") {
    using net = sequential<input<11, 2>, conv1d<3, kernel<3>, ctnn::tanh, strides<2>>,
                           conv1d<2, kernel<2>, ctnn::tanh, dilation_rate<3>>,
                           conv1d<2, kernel<3>, padding::same, dilation_rate<2>, ctnn::use_bias<false>>, ctnn::flatten,
                           ctnn::dense<2>>;
    CHECK(gradient_error<net>(2) < 1e-6);
  }
  SECTION("max and average pools (valid and same), then the global pools") {
    using net = sequential<input<9, 2>, conv1d<3, kernel<2>, ctnn::tanh, padding::same>,
                           ctnn::max_pool1d<pool<3>, strides<2>, padding::same>, ctnn::average_pool1d<pool<2>, strides<1>>,
                           conv1d<4, kernel<1>, ctnn::tanh>, ctnn::global_max_pool1d, ctnn::dense<2>>;
    CHECK(gradient_error<net>(3) < 1e-6);
    using avg = sequential<input<7, 2>, conv1d<3, kernel<3>, ctnn::tanh>, ctnn::average_pool1d<pool<2>, padding::same>,
                           ctnn::global_average_pool1d, ctnn::dense<2>>;
    CHECK(gradient_error<avg>(3) < 1e-6);
  }
}

TEST_CASE("conv1d: a sequence through step equals forward, without allocating", "[conv1d][step][realtime]") {
  SECTION("causal, dilation 1") { check_streaming<conv1d<4, kernel<3>, padding::causal, ctnn::relu>, shape<9, 3>>(); }
  SECTION("causal, dilation 2") {
    check_streaming<conv1d<3, kernel<3>, padding::causal, dilation_rate<2>>, shape<11, 2>>();
  }
  SECTION("causal, kernel 1: no state") {
    STATIC_REQUIRE(ctnn::layer_traits<bound<conv1d<2, kernel<1>, padding::causal>, shape<4, 3>>>::streaming_state_size == 0);
  }
}
