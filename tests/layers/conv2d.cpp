#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <ctnn/ctnn.hpp>
#include <ctnn/regularizers/l1.hpp>
#include <ctnn/regularizers/l2.hpp>

#include "conv2d_reference.hpp"
#include "support/allocation_counter.hpp"
#include "support/layer_test.hpp"

namespace {
using ctnn::conv2d;
using ctnn::dilation_rate;
using ctnn::input;
using ctnn::kernel;
using ctnn::sequential;
using ctnn::strides;
namespace padding = ctnn::padding;

// The network of the issue: Keras' "simple convnet" shape, one convolution.
using cnn = sequential<input<28, 28, 1>,
                       conv2d<32, kernel<3, 3>, ctnn::relu>,
                       ctnn::max_pool2d<ctnn::pool<2, 2>>,
                       ctnn::flatten,
                       ctnn::dense<64, ctnn::relu>,
                       ctnn::dense<10, ctnn::softmax>>;

using ctnn_test::bound;
using ctnn_test::random_values;

// The convolution written as its definition, independently of im2col and the GEMM: for every
// output (s, oy, ox, f), the sum over the window's taps inside the input (padding is zero) of
// x(s, oy*sh + ky*dh - pad_top, ox*sw + kx*dw - pad_left, c) * W(ky, kx, c, f), plus b(f); the
// dilated kernel spans e = d (k - 1) + 1 positions per axis, Keras' effective size.
std::vector<double> naive_conv2d(const std::vector<float>& x, const std::vector<float>& w,
                                 const std::vector<float>& b, std::size_t n, std::size_t h,
                                 std::size_t wd, std::size_t c, std::size_t kh, std::size_t kw,
                                 std::size_t f, std::size_t sh, std::size_t sw, bool same, std::size_t dh = 1,
                                 std::size_t dw = 1) {
  const std::size_t eh = dh * (kh - 1) + 1, ew = dw * (kw - 1) + 1;
  std::size_t oh, ow, pt = 0, pl = 0;
  if (same) {
    oh = (h + sh - 1) / sh;
    ow = (wd + sw - 1) / sw;
    const long ph = std::max(0L, long((oh - 1) * sh + eh) - long(h));
    const long pw = std::max(0L, long((ow - 1) * sw + ew) - long(wd));
    pt = std::size_t(ph / 2);
    pl = std::size_t(pw / 2);
  } else {
    oh = (h - eh) / sh + 1;
    ow = (wd - ew) / sw + 1;
  }
  std::vector<double> y(n * oh * ow * f);
  for (std::size_t s = 0; s < n; ++s)
    for (std::size_t oy = 0; oy < oh; ++oy)
      for (std::size_t ox = 0; ox < ow; ++ox)
        for (std::size_t k = 0; k < f; ++k) {
          double z = b.empty() ? 0.0 : b[k];
          for (std::size_t ky = 0; ky < kh; ++ky)
            for (std::size_t kx = 0; kx < kw; ++kx) {
              const long iy = long(oy * sh + ky * dh) - long(pt), ix = long(ox * sw + kx * dw) - long(pl);
              if (iy < 0 || ix < 0 || iy >= long(h) || ix >= long(wd)) continue;
              for (std::size_t ch = 0; ch < c; ++ch)
                z += double(x[((s * h + std::size_t(iy)) * wd + std::size_t(ix)) * c + ch]) *
                     double(w[((ky * kw + kx) * c + ch) * f + k]);
            }
          y[((s * oh + oy) * ow + ox) * f + k] = z;
        }
  return y;
}

// Runs the bound layer on n random samples (float, the GEMM path) and compares with the loop.
template <class Spec, class In>
void check_against_naive(std::size_t n, std::uint64_t seed) {
  using L = bound<Spec, In>;
  L layer;
  std::vector<float> params(L::parameter_storage);
  ctnn::detail::rng r(seed);
  layer.initialize(std::span<float>(params), r);
  std::vector<float> b;
  if constexpr (Spec::options::has_bias) {
    for (std::size_t k = 0; k < Spec::filters; ++k) params[L::bias_offset + k] = static_cast<float>(r.uniform(-1, 1));
    b.assign(params.begin() + L::bias_offset, params.begin() + L::bias_offset + Spec::filters);
  }
  const std::vector<float> w(params.begin(), params.begin() + L::kernel_size);
  const auto x = random_values<float>(n * In::size, seed + 1);
  std::vector<float> y(n * L::output_shape::size, -99.0f), work(n * L::workspace_size + 1);
  ctnn::pass_context ctx;
  layer.forward(ctnn::forward_io<float>{params.data(), x.data(), y.data(), n, work.data()}, ctx);
  const auto expected = naive_conv2d(x, w, b, n, In::dims[0], In::dims[1], In::dims[2], Spec::kernel_height,
                                     Spec::kernel_width, Spec::filters, Spec::strides_type::rows,
                                     Spec::strides_type::columns, Spec::same_padding, Spec::dilation_height,
                                     Spec::dilation_width);
  REQUIRE(expected.size() == y.size());
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double want = std::is_same_v<typename Spec::options::activation_type, ctnn::relu> ? std::max(expected[i], 0.0)
                                                                                    : expected[i];
    CHECK(y[i] == Approx(want).margin(1e-5));
  }
}

// The direct path (a forward with no backward to follow, at most direct_max_batch samples)
// against the im2col path of the same layer on the same data: the same arithmetic in the same
// order (see layers/detail/convolution.hpp), so the outputs are equal, not close. The im2col
// path is checked against the naive loop above.
template <class Spec, class In>
void check_direct_equals_im2col(std::size_t n, std::uint64_t seed) {
  using L = bound<Spec, In>;
  STATIC_REQUIRE(L::direct);
  REQUIRE(n <= L::direct_max_batch);
  L layer;
  std::vector<float> params(L::parameter_storage);
  ctnn::detail::rng r(seed);
  layer.initialize(std::span<float>(params), r);
  if constexpr (Spec::options::has_bias)
    for (std::size_t k = 0; k < Spec::filters; ++k) params[L::bias_offset + k] = static_cast<float>(r.uniform(-1, 1));
  const auto x = random_values<float>(n * In::size, seed + 1);
  std::vector<float> lowered(n * L::output_shape::size, -99.0f), direct(lowered.size(), -77.0f);
  std::vector<float> work(n * L::workspace_size + 1);
  ctnn::pass_context with_backward;
  layer.forward(ctnn::forward_io<float>{params.data(), x.data(), lowered.data(), n, work.data()}, with_backward);
  ctnn::pass_context inference{.backward_follows = false};
  std::vector<float> untouched(work.size(), -55.0f);
  layer.forward(ctnn::forward_io<float>{params.data(), x.data(), direct.data(), n, untouched.data()}, inference);
  for (std::size_t i = 0; i < direct.size(); ++i) CHECK(direct[i] == lowered[i]);
  // It made no columns: the workspace is as it was.
  CHECK(std::all_of(untouched.begin(), untouched.end(), [](float v) { return v == -55.0f; }));
}

// A reference case (tests/layers/conv2d_reference.py): Keras' Conv2D with a dilation.
template <class C>
void check_reference() {
  INFO("case " << C::name);
  using L = bound<conv2d_reference::conv2d_of<C>, conv2d_reference::input_of<C>>;
  L layer;
  const auto y = conv2d_reference::forward<L, C>(layer);
  REQUIRE(y.size() == std::size(C::y));  // Keras' output size
  // Inputs, weights and biases are multiples of 1/64 in [-1, 1]: every product is a multiple of
  // 2^-12 of magnitude at most 1, so every partial sum of an output's terms (at most Kh Kw
  // channels + 1) is a multiple of 2^-12 below terms in magnitude, which float's 24-bit
  // significand holds exactly while terms <= 2^12: the float computation is exact in any
  // summation order, FMA or not, and the values must be equal.
  STATIC_REQUIRE(C::kernel_h * C::kernel_w * C::channels + 1 <= (1u << 12));
  for (std::size_t i = 0; i < y.size(); ++i) CHECK(y[i] == C::y[i]);
}

// Largest relative error of the analytic gradients, mean squared error against random labels.
template <class Network>
double gradient_error(std::size_t n) { return ctnn_test::gradient_error<Network>(n, 7, 11); }

}  // namespace

TEST_CASE("conv2d: shapes and parameter counts are compile-time constants, as Keras counts them", "[conv2d]") {
  // Keras' summary of the same network: conv2d (None, 26, 26, 32) 320 = 3*3*1*32 + 32;
  // max_pooling2d (None, 13, 13, 32); flatten (None, 5408) = 13*13*32;
  // dense (None, 64) 346,176 = 5408*64 + 64; dense_1 (None, 10) 650 = 64*10 + 10.
  STATIC_REQUIRE(cnn::valid);
  STATIC_REQUIRE(std::is_same_v<std::tuple_element_t<0, cnn::layer_types>::output_shape, ctnn::shape<26, 26, 32>>);
  STATIC_REQUIRE(std::is_same_v<std::tuple_element_t<1, cnn::layer_types>::output_shape, ctnn::shape<13, 13, 32>>);
  STATIC_REQUIRE(std::is_same_v<std::tuple_element_t<2, cnn::layer_types>::output_shape, ctnn::shape<5408>>);
  STATIC_REQUIRE(cnn::parameter_counts == std::array<std::size_t, 5>{320, 0, 0, 346176, 650});
  STATIC_REQUIRE(cnn::parameter_count == 347146);
  STATIC_REQUIRE(ctnn::layer<std::tuple_element_t<0, cnn::layer_types>>);

  // The kernel as Keras stores it, (kh, kw, in_channels, filters), with Keras' fans.
  using c = std::tuple_element_t<0, cnn::layer_types>;
  STATIC_REQUIRE(c::parameters[0].dims == std::array<std::size_t, 4>{3, 3, 1, 32});
  STATIC_REQUIRE(c::parameters[0].fan_in == 9);
  STATIC_REQUIRE(c::parameters[0].fan_out == 288);
  STATIC_REQUIRE(c::parameters[1].size == 32);
  STATIC_REQUIRE(c::workspace_size == 26 * 26 * 9);

  // valid: out = (in - k) / s + 1.
  STATIC_REQUIRE(std::is_same_v<bound<conv2d<8, kernel<3, 3>, strides<2, 2>>, ctnn::shape<28, 28, 1>>::output_shape,
                                ctnn::shape<13, 13, 8>>);
  STATIC_REQUIRE(std::is_same_v<bound<conv2d<4, kernel<3, 5>>, ctnn::shape<10, 10, 3>>::output_shape,
                                ctnn::shape<8, 6, 4>>);
  // same: out = ceil(in / s), pad_total = max((out - 1) s + k - in, 0), the extra at the end.
  using same_s2 = bound<conv2d<8, kernel<3, 3>, strides<2, 2>, padding::same>, ctnn::shape<28, 28, 1>>;
  STATIC_REQUIRE(std::is_same_v<same_s2::output_shape, ctnn::shape<14, 14, 8>>);
  STATIC_REQUIRE(same_s2::pad_top == 0);  // pad_total = 13*2 + 3 - 28 = 1: all of it at the bottom
  using same_even = bound<conv2d<2, kernel<4, 2>, padding::same>, ctnn::shape<5, 7, 1>>;
  STATIC_REQUIRE(std::is_same_v<same_even::output_shape, ctnn::shape<5, 7, 2>>);
  STATIC_REQUIRE(same_even::pad_top == 1);   // pad_total = 4 + 4 - 5 = 3: 1 above, 2 below
  STATIC_REQUIRE(same_even::pad_left == 0);  // pad_total = 6 + 2 - 7 = 1: 0 left, 1 right
  STATIC_REQUIRE(std::is_same_v<bound<conv2d<1, kernel<3>, strides<3>, padding::same>, ctnn::shape<28, 28, 1>>::output_shape,
                                ctnn::shape<10, 10, 1>>);
  // same never rejects a window larger than the input (Keras/TensorFlow pad it).
  STATIC_REQUIRE(std::is_same_v<bound<conv2d<1, kernel<5, 5>, padding::same>, ctnn::shape<2, 3, 1>>::output_shape,
                                ctnn::shape<2, 3, 1>>);

  // Options in any order, as keyword arguments; Keras' defaults.
  using a = conv2d<4, kernel<3>, padding::same, ctnn::relu, strides<2>>;
  using b = conv2d<4, kernel<3, 3>, strides<2, 2>, ctnn::relu, padding::same>;
  STATIC_REQUIRE(std::is_same_v<bound<a, ctnn::shape<9, 9, 2>>::output_shape, bound<b, ctnn::shape<9, 9, 2>>::output_shape>);
  STATIC_REQUIRE(std::is_same_v<a::options::activation_type, ctnn::relu>);
  using d = conv2d<4, kernel<3>>;
  STATIC_REQUIRE(std::is_same_v<d::options::activation_type, ctnn::linear>);
  STATIC_REQUIRE(std::is_same_v<d::strides_type, strides<1, 1>>);
  STATIC_REQUIRE(std::is_same_v<d::padding_type, padding::valid>);
  STATIC_REQUIRE(std::is_same_v<d::options::kernel_initializer_type, ctnn::init::glorot_uniform>);
  STATIC_REQUIRE(std::is_same_v<d::options::bias_initializer_type, ctnn::init::zeros>);
  STATIC_REQUIRE(bound<conv2d<4, kernel<3>, ctnn::use_bias<false>>, ctnn::shape<5, 5, 2>>::parameter_count == 72);
  // A 1x1 kernel at stride 1 convolves x itself: no im2col columns.
  STATIC_REQUIRE(bound<conv2d<4, kernel<1>>, ctnn::shape<5, 5, 2>>::workspace_size == 0);
}

TEST_CASE("conv2d: summary() prints Keras' table", "[conv2d]") {
  std::ostringstream os;
  cnn::summary(os);
  CHECK_THAT(os.str(), Catch::Contains("(None, 26, 26, 32)        320") && Catch::Contains("(None, 5408)") &&
                           Catch::Contains("346176") && Catch::Contains("Total params: 347,146"));
}

TEST_CASE("conv2d: forward matches values computed by hand", "[conv2d]") {
  using one = ctnn::shape<3, 3, 1>;
  using L = bound<conv2d<1, kernel<2, 2>>, one>;
  L layer;
  ctnn::pass_context ctx;
  // x = 1 2 3    W(ky, kx) = 1 2    b = 0.5
  //     4 5 6                3 4
  //     7 8 9
  std::vector<float> params(L::parameter_storage);
  const float w[] = {1, 2, 3, 4};
  std::copy(std::begin(w), std::end(w), params.begin());
  params[L::bias_offset] = 0.5f;
  const float x[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  std::vector<float> y(4), work(L::workspace_size);
  layer.forward(ctnn::forward_io<float>{params.data(), x, y.data(), 1, work.data()}, ctx);
  // y(0,0) = 1*1 + 2*2 + 4*3 + 5*4 + 0.5 = 37.5; y(0,1) = 2*1 + 3*2 + 5*3 + 6*4 + 0.5 = 47.5
  // y(1,0) = 4*1 + 5*2 + 7*3 + 8*4 + 0.5 = 67.5; y(1,1) = 5*1 + 6*2 + 8*3 + 9*4 + 0.5 = 77.5
  CHECK(y == std::vector<float>{37.5f, 47.5f, 67.5f, 77.5f});

  // 'same' pads at the bottom and right (pad_total = 1 + 2 - 2 = 1 on each axis, 0 before it):
  // x = 1 2    y(0,0) = 1*1 + 2*2 + 3*3 + 4*4 = 30; y(0,1) = 2*1 + 4*3 = 14
  //     3 4    y(1,0) = 3*1 + 4*2 = 11;              y(1,1) = 4*1 = 4
  using S = bound<conv2d<1, kernel<2, 2>, padding::same, ctnn::use_bias<false>>, ctnn::shape<2, 2, 1>>;
  S same;
  std::vector<float> ys(4), ws(S::workspace_size);
  const float xs[] = {1, 2, 3, 4};
  same.forward(ctnn::forward_io<float>{w, xs, ys.data(), 1, ws.data()}, ctx);
  CHECK(ys == std::vector<float>{30, 14, 11, 4});

  // Channels and filters: W(0, 0, c, f) is row c, column f of the (kh*kw*cin) x filters matrix.
  // x = (2, 3), W = [[1, 2], [3, 4]] -> y = (2*1 + 3*3, 2*2 + 3*4) = (11, 16).
  using P = bound<conv2d<2, kernel<1, 1>, ctnn::use_bias<false>>, ctnn::shape<1, 1, 2>>;
  P point;
  std::vector<float> yp(2);
  const float xp[] = {2, 3};
  point.forward(ctnn::forward_io<float>{w, xp, yp.data(), 1, nullptr}, ctx);
  CHECK(yp == std::vector<float>{11, 16});
}

TEST_CASE("conv2d: forward equals a naive convolution loop", "[conv2d]") {
  SECTION("valid, stride 1, several channels") { check_against_naive<conv2d<5, kernel<3, 3>>, ctnn::shape<7, 6, 3>>(3, 1); }
  SECTION("valid, stride 2, non-square kernel") {
    check_against_naive<conv2d<4, kernel<2, 3>, strides<2, 2>>, ctnn::shape<9, 8, 2>>(2, 2);
  }
  SECTION("valid, strides 2 x 1, relu fused") {
    check_against_naive<conv2d<6, kernel<3, 2>, strides<2, 1>, ctnn::relu>, ctnn::shape<8, 7, 3>>(4, 3);
  }
  SECTION("same, stride 1, non-square kernel") {
    check_against_naive<conv2d<3, kernel<3, 2>, padding::same>, ctnn::shape<6, 5, 2>>(3, 4);
  }
  SECTION("same, stride 2, even kernel (unequal padding)") {
    check_against_naive<conv2d<5, kernel<4, 4>, strides<2, 2>, padding::same>, ctnn::shape<9, 7, 3>>(2, 5);
  }
  SECTION("same, kernel larger than the input") {
    check_against_naive<conv2d<2, kernel<5, 4>, padding::same>, ctnn::shape<3, 2, 2>>(2, 6);
  }
  SECTION("1x1 kernel, no bias") {
    check_against_naive<conv2d<7, kernel<1, 1>, ctnn::use_bias<false>>, ctnn::shape<4, 5, 3>>(3, 7);
  }
  SECTION("one sample, few positions (the GEMM's small-matrix path)") {
    check_against_naive<conv2d<9, kernel<2, 2>>, ctnn::shape<3, 3, 2>>(1, 8);
  }
  SECTION("the network's first layer, batch of 5") {
    check_against_naive<conv2d<32, kernel<3, 3>, ctnn::relu>, ctnn::shape<28, 28, 1>>(5, 9);
  }
  SECTION("valid, dilation 2 x 3 (taps of a row not contiguous in x)") {
    check_against_naive<conv2d<4, kernel<3, 2>, dilation_rate<2, 3>>, ctnn::shape<8, 7, 3>>(2, 10);
  }
  SECTION("same, dilation 2, even kernel (unequal padding of the dilated span)") {
    check_against_naive<conv2d<3, kernel<2, 4>, padding::same, dilation_rate<2>>, ctnn::shape<6, 9, 2>>(2, 11);
  }
  SECTION("same, dilated span larger than the input, rows only dilated") {
    check_against_naive<conv2d<2, kernel<3, 3>, padding::same, dilation_rate<3, 1>, ctnn::relu>, ctnn::shape<4, 5, 2>>(3, 12);
  }
}

TEST_CASE("conv2d: inference with no backward to follow (the direct path) equals the im2col path", "[conv2d]") {
  SECTION("the network's first layer, one sample") {
    check_direct_equals_im2col<conv2d<32, kernel<3, 3>, ctnn::relu>, ctnn::shape<28, 28, 1>>(1, 21);
  }
  SECTION("same, stride 2, three channels, four samples") {
    check_direct_equals_im2col<conv2d<16, kernel<3, 3>, strides<2, 2>, padding::same>, ctnn::shape<9, 7, 3>>(4, 22);
  }
  SECTION("same, dilation 2, even kernel, sigmoid, no bias") {
    check_direct_equals_im2col<conv2d<16, kernel<2, 4>, padding::same, dilation_rate<2>, ctnn::sigmoid,
                                      ctnn::use_bias<false>>,
                               ctnn::shape<6, 9, 2>>(2, 23);
  }
  SECTION("valid, non-square kernel, tanh") {
    check_direct_equals_im2col<conv2d<32, kernel<2, 3>, ctnn::tanh>, ctnn::shape<8, 7, 2>>(3, 24);
  }
  // Not taken where it does not pay or cannot match: a filter count that is not whole batches,
  // a kernel too large to sit in L1 beside the input, an activation whose z the layer keeps.
  STATIC_REQUIRE(!bound<conv2d<5, kernel<3, 3>>, ctnn::shape<7, 6, 3>>::direct);
  STATIC_REQUIRE(!bound<conv2d<64, kernel<3, 3>>, ctnn::shape<8, 8, 64>>::direct);
  STATIC_REQUIRE(!bound<conv2d<16, kernel<3, 3>, ctnn::swish>, ctnn::shape<8, 8, 1>>::direct);
}

TEST_CASE("conv2d: a dilated forward equals Keras' Conv2D (reference values from PyTorch)", "[conv2d][dilation]") {
  []<class... C>(std::tuple<C...>*) { (check_reference<C>(), ...); }(static_cast<conv2d_reference::conv2d_cases*>(nullptr));
}

TEST_CASE("conv2d: dilation_rate, as Keras' Conv2D takes it", "[conv2d][dilation]") {
  // valid: out = (in - d (k - 1) - 1) / s + 1 per axis.
  STATIC_REQUIRE(std::is_same_v<bound<conv2d<4, kernel<3>, dilation_rate<2>>, ctnn::shape<9, 9, 1>>::output_shape,
                                ctnn::shape<5, 5, 4>>);
  STATIC_REQUIRE(std::is_same_v<bound<conv2d<4, kernel<3, 2>, dilation_rate<2, 3>>, ctnn::shape<8, 7, 3>>::output_shape,
                                ctnn::shape<4, 4, 4>>);
  // same: ceil(in / s); pad_total = max((out - 1) s + d (k - 1) + 1 - in, 0), half before.
  using same = bound<conv2d<2, kernel<2, 4>, padding::same, dilation_rate<2>>, ctnn::shape<6, 9, 2>>;
  STATIC_REQUIRE(std::is_same_v<same::output_shape, ctnn::shape<6, 9, 2>>);
  STATIC_REQUIRE(same::pad_top == 1);   // span 3: pad_total 2
  STATIC_REQUIRE(same::pad_left == 3);  // span 7: pad_total 6
  // Default 1 x 1; dilation_rate<2> is dilation_rate<2, 2>.
  STATIC_REQUIRE(conv2d<4, kernel<3>>::dilation_height == 1);
  STATIC_REQUIRE(conv2d<4, kernel<3>>::dilation_width == 1);
  STATIC_REQUIRE(std::is_same_v<dilation_rate<2>, dilation_rate<2, 2>>);
  // The parameters do not change with the dilation (Keras: the same kernel, spread out).
  STATIC_REQUIRE(bound<conv2d<4, kernel<3>, dilation_rate<2>>, ctnn::shape<9, 9, 2>>::parameter_count == 3 * 3 * 2 * 4 + 4);
  // The columns still hold Kh * Kw taps per window.
  STATIC_REQUIRE(bound<conv2d<4, kernel<3>, dilation_rate<2>>, ctnn::shape<9, 9, 2>>::workspace_size == 5 * 5 * 3 * 3 * 2);

  // Refused at the link, as Keras refuses them: strides above 1 with a dilation above 1 (on any
  // axis), a rate of 0, a dilated kernel longer than a valid input.
  using ctnn::detail::refuses_with;
  using In = ctnn::shape<9, 9, 1>;
  STATIC_REQUIRE(refuses_with<ctnn::detail::dilation_with_stride, conv2d<2, kernel<3>, dilation_rate<2>, strides<2>>, In>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::dilation_with_stride, conv2d<2, kernel<3>, dilation_rate<1, 2>, strides<2, 1>>, In>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::zero_dilation, conv2d<2, kernel<3>, dilation_rate<1, 0>>, In>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::dilation_too_large, conv2d<2, kernel<3>, dilation_rate<5>>, In>);  // span 11
  STATIC_REQUIRE(refuses_with<ctnn::detail::dilation_too_large, conv2d<2, kernel<3>, dilation_rate<1, 5>>, In>);
  STATIC_REQUIRE(ctnn::detail::links<conv2d<2, kernel<3>, dilation_rate<4>>, In>);  // span 9 fits
  STATIC_REQUIRE(ctnn::detail::links<conv2d<2, kernel<3>, dilation_rate<5>, padding::same>, In>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::option_twice, conv2d<2, kernel<3>, dilation_rate<2>, dilation_rate<2>>, In>);
  // conv1d takes one rate.
  STATIC_REQUIRE(refuses_with<ctnn::detail::needs_one_size, ctnn::conv1d<2, kernel<3>, dilation_rate<2, 1>>, ctnn::shape<9, 1>>);
  STATIC_REQUIRE(ctnn::detail::links<ctnn::conv1d<2, kernel<3>, dilation_rate<2, 2>>, ctnn::shape<9, 1>>);

  // The network description names a dilation when there is one; an undilated conv2d is described
  // as before conv2d took the option (the same fingerprint for files saved then).
  using dilated = sequential<input<9, 9, 1>, conv2d<2, kernel<3>, dilation_rate<2, 3>>>;
  CHECK_THAT(std::string(ctnn::network_description<dilated>),
             Catch::Contains("conv2d(in=9x9x1,out=5x3x2,activation=linear,window=3x3,strides=1x1,padding=valid,"
                             "dilation_rate=2x3,kernel=3x3x1x2,bias=2)"));
  using plain = sequential<input<9, 9, 1>, conv2d<2, kernel<3>>>;
  CHECK_THAT(std::string(ctnn::network_description<plain>),
             Catch::Contains("conv2d(in=9x9x1,out=7x7x2,activation=linear,window=3x3,strides=1x1,padding=valid,kernel="));
}

TEST_CASE("conv2d: gradients match finite differences (double precision)", "[conv2d][gradient]") {
  SECTION("same padding, strides 2 x 1, non-square kernel; a second conv2d uses dL/dx") {
    using net = sequential<input<6, 5, 2>, conv2d<3, kernel<3, 2>, ctnn::tanh, padding::same, strides<2, 1>>,
                           conv2d<2, kernel<2, 2>, ctnn::sigmoid>, ctnn::flatten, ctnn::dense<3>>;
    CHECK(gradient_error<net>(2) < 1e-6);
  }
  SECTION("valid, stride 2; a 1x1 convolution; same with stride 2 and an even kernel; no bias") {
    using net = sequential<input<7, 7, 1>, conv2d<2, kernel<3, 3>, ctnn::tanh, strides<2, 2>>,
                           conv2d<3, kernel<1, 1>, ctnn::tanh>,
                           conv2d<2, kernel<2, 2>, padding::same, strides<2, 2>, ctnn::use_bias<false>>,
                           ctnn::flatten, ctnn::dense<2>>;
    CHECK(gradient_error<net>(3) < 1e-6);
  }
  SECTION("dilated: valid 2 x 3, then same 2 with an even kernel on a short input; a second conv2d uses dL/dx") {
    using net = sequential<input<8, 7, 2>, conv2d<3, kernel<3, 2>, ctnn::tanh, dilation_rate<2, 3>>,
                           conv2d<2, kernel<2, 3>, ctnn::tanh, padding::same, dilation_rate<2>>, ctnn::flatten,
                           ctnn::dense<2>>;
    CHECK(gradient_error<net>(2) < 1e-6);
  }
  SECTION("a convolution as the last layer, its activation's backward included") {
    using net = sequential<input<5, 4, 2>, ctnn::linear, conv2d<3, kernel<2, 3>, ctnn::elu, padding::same>>;
    CHECK(gradient_error<net>(2) < 1e-6);
  }
  SECTION("with kernel and bias regularizers (their penalty is part of the loss)") {
    using net = sequential<input<5, 5, 2>,
                           conv2d<3, kernel<3, 2>, ctnn::tanh, ctnn::kernel_regularizer<ctnn::regularizers::l2>,
                                  ctnn::bias_regularizer<ctnn::regularizers::l1>, padding::same>,
                           ctnn::flatten, ctnn::dense<2>>;
    STATIC_REQUIRE(net::regularized);
    CHECK(gradient_error<net>(2) < 1e-6);
  }
  SECTION("the issue's network shape, fused softmax + cross-entropy") {
    using net = sequential<input<8, 8, 1>, conv2d<3, kernel<3, 3>, ctnn::tanh>, ctnn::max_pool2d<ctnn::pool<2, 2>>,
                           ctnn::flatten, ctnn::dense<5, ctnn::tanh>, ctnn::dense<4, ctnn::softmax>>;
    ctnn_test::gradient_check<net, ctnn::loss::categorical_crossentropy> check(3);
    for (std::size_t s = 0; s < 3; ++s) check.labels()[s * 4 + s] = 1;
    CHECK(check.max_relative_error(true) < 1e-6);
  }
}

TEST_CASE("conv2d: backward honours dy_is_preactivation", "[conv2d]") {
  using In = ctnn::shape<4, 4, 2>;
  using L = bound<conv2d<3, kernel<3, 3>, ctnn::tanh>, In>;
  L layer;
  std::vector<double> params(L::parameter_storage);
  ctnn::detail::rng r(3);
  layer.initialize(std::span<double>(params), r);
  const auto x = random_values<double>(2 * In::size, 4);
  std::vector<double> y(2 * L::output_shape::size), work(2 * L::workspace_size);
  ctnn::pass_context ctx;
  layer.forward(ctnn::forward_io<double>{params.data(), x.data(), y.data(), 2, work.data()}, ctx);
  const auto dz = random_values<double>(y.size(), 5);
  // dL/dy such that dL/dz = dz: dy = dz / tanh'(z) = dz / (1 - y^2).
  std::vector<double> dy(y.size());
  for (std::size_t i = 0; i < y.size(); ++i) dy[i] = dz[i] / (1 - y[i] * y[i]);
  auto run = [&](std::vector<double> d, bool pre) {
    std::vector<double> grads(L::parameter_storage), dx(x.size());
    auto w = work;
    layer.backward(ctnn::backward_io<double>{params.data(), grads.data(), x.data(), y.data(), d.data(), dx.data(), 2,
                                             pre, w.data()},
                   ctx);
    grads.insert(grads.end(), dx.begin(), dx.end());
    return grads;
  };
  const auto from_dy = run(dy, false), from_dz = run(dz, true);
  REQUIRE(from_dy.size() == from_dz.size());
  for (std::size_t i = 0; i < from_dy.size(); ++i) CHECK(from_dy[i] == Approx(from_dz[i]).margin(1e-12));
}

TEST_CASE("conv2d: predict_one on the issue's network performs no heap allocation", "[conv2d][realtime]") {
  ctnn::model<cnn, ctnn::loss::categorical_crossentropy, ctnn::optim::rmsprop> m;
  std::array<float, 784> x{};
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 11) / 11.0f;
  // From the first call: the constructor grew this thread's packing buffer (model::warm_up).
  float sum = 0;
  CHECK(ctnn_test::count_allocations([&] {
          for (int rep = 0; rep < 20; ++rep) sum += m.predict_one(x)[static_cast<std::size_t>(rep) % 10];
        }) == 0);
  CHECK(sum > 0);
  // On another thread, after warm_up() there.
  std::size_t on_other_thread = 1;
  std::thread([&] {
    m.warm_up();
    on_other_thread = ctnn_test::count_allocations([&] { sum += m.predict_one(x)[3]; });
  }).join();
  CHECK(on_other_thread == 0);
  // predict_one equals predict on a batch.
  ctnn::samples<28, 28, 1> batch(2);
  std::copy(x.begin(), x.end(), batch[1].begin());
  const auto p = m.predict(batch);
  const auto one = m.predict_one(x);
  for (std::size_t k = 0; k < 10; ++k) CHECK(one[k] == Approx(p[1][k]).epsilon(1e-5).margin(1e-6));
}
