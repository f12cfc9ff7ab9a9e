#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <limits>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "support/layer_test.hpp"

namespace {
using ctnn::average_pool2d;
using ctnn::global_average_pool2d;
using ctnn::input;
using ctnn::kernel;
using ctnn::max_pool2d;
using ctnn::pool;
using ctnn::sequential;
using ctnn::strides;
namespace padding = ctnn::padding;

using ctnn_test::bound;

// Runs a parameterless bound layer forward on n samples; returns y (and leaves the workspace in
// `work` for a backward pass).
template <class L, class T>
std::vector<T> run_forward(const std::vector<T>& x, std::size_t n, std::vector<T>& work) {
  L layer;
  std::vector<T> y(n * L::output_shape::size, T(-99));
  work.assign(n * ctnn::layer_traits<L>::workspace_size + 1, T(0));
  ctnn::pass_context ctx;
  layer.forward(ctnn::forward_io<T>{nullptr, x.data(), y.data(), n, work.data()}, ctx);
  return y;
}

template <class L, class T>
std::vector<T> run_backward(const std::vector<T>& x, const std::vector<T>& y, std::vector<T> dy, std::size_t n,
                            std::vector<T>& work) {
  L layer;
  std::vector<T> dx(x.size(), T(-99));
  ctnn::pass_context ctx;
  layer.backward(ctnn::backward_io<T>{nullptr, nullptr, x.data(), y.data(), dy.data(), dx.data(), n, false, work.data()},
                 ctx);
  return dx;
}

// Pooling written as its definition: the window of output (oy, ox) covers rows
// oy*sh - pad_top + [0, ph) and columns ox*sw - pad_left + [0, pw); positions outside the input
// are ignored (neither a candidate for the max nor counted in the mean).
std::vector<double> naive_pool(bool max, const std::vector<float>& x, std::size_t n, std::size_t h, std::size_t w,
                               std::size_t c, std::size_t ph, std::size_t pw, std::size_t sh, std::size_t sw,
                               bool same) {
  std::size_t oh, ow, pt = 0, pl = 0;
  if (same) {
    oh = (h + sh - 1) / sh;
    ow = (w + sw - 1) / sw;
    pt = std::size_t(std::max(0L, long((oh - 1) * sh + ph) - long(h)) / 2);
    pl = std::size_t(std::max(0L, long((ow - 1) * sw + pw) - long(w)) / 2);
  } else {
    oh = (h - ph) / sh + 1;
    ow = (w - pw) / sw + 1;
  }
  std::vector<double> y;
  for (std::size_t s = 0; s < n; ++s)
    for (std::size_t oy = 0; oy < oh; ++oy)
      for (std::size_t ox = 0; ox < ow; ++ox)
        for (std::size_t ch = 0; ch < c; ++ch) {
          double best = -std::numeric_limits<double>::infinity(), sum = 0;
          std::size_t count = 0;
          for (std::size_t ky = 0; ky < ph; ++ky)
            for (std::size_t kx = 0; kx < pw; ++kx) {
              const long iy = long(oy * sh + ky) - long(pt), ix = long(ox * sw + kx) - long(pl);
              if (iy < 0 || ix < 0 || iy >= long(h) || ix >= long(w)) continue;
              const double v = x[((s * h + std::size_t(iy)) * w + std::size_t(ix)) * c + ch];
              best = std::max(best, v);
              sum += v;
              ++count;
            }
          y.push_back(max ? best : sum / double(count));
        }
  return y;
}

template <class Spec, class In>
void check_against_naive(bool max, std::size_t n, std::uint64_t seed) {
  using L = bound<Spec, In>;
  ctnn::detail::rng r(seed);
  std::vector<float> x(n * In::size), work;
  for (auto& v : x) v = static_cast<float>(r.uniform(-1, 1));
  const auto y = run_forward<L>(x, n, work);
  const auto expected = naive_pool(max, x, n, In::dims[0], In::dims[1], In::dims[2], Spec::pool_height,
                                   Spec::pool_width, Spec::strides_type::rows, Spec::strides_type::columns,
                                   Spec::same_padding);
  REQUIRE(y.size() == expected.size());
  for (std::size_t i = 0; i < y.size(); ++i) CHECK(y[i] == Approx(expected[i]).margin(1e-6));
}

template <class Network>
double gradient_error(std::size_t n) { return ctnn_test::gradient_error<Network>(n, 7, 13); }

}  // namespace

TEST_CASE("pooling: shapes are compile-time constants; strides default to the pool size", "[pooling]") {
  using In = ctnn::shape<26, 26, 32>;
  STATIC_REQUIRE(std::is_same_v<bound<max_pool2d<pool<2, 2>>, In>::output_shape, ctnn::shape<13, 13, 32>>);
  STATIC_REQUIRE(std::is_same_v<bound<max_pool2d<>, In>::output_shape, ctnn::shape<13, 13, 32>>);
  STATIC_REQUIRE(std::is_same_v<max_pool2d<pool<3, 2>>::strides_type, strides<3, 2>>);
  STATIC_REQUIRE(std::is_same_v<bound<max_pool2d<pool<3, 2>>, In>::output_shape, ctnn::shape<8, 13, 32>>);
  // (7 - 3) / 2 + 1 = 3 with valid; ceil(7 / 2) = 4 with same.
  using S7 = ctnn::shape<7, 7, 4>;
  STATIC_REQUIRE(std::is_same_v<bound<max_pool2d<pool<3>, strides<2>>, S7>::output_shape, ctnn::shape<3, 3, 4>>);
  STATIC_REQUIRE(std::is_same_v<bound<average_pool2d<pool<3>, padding::same, strides<2>>, S7>::output_shape,
                                ctnn::shape<4, 4, 4>>);
  // Keras: MaxPooling2D(2) on 5 x 5 drops the last row and column; with padding='same' keeps them.
  using S5 = ctnn::shape<5, 5, 1>;
  STATIC_REQUIRE(std::is_same_v<bound<max_pool2d<>, S5>::output_shape, ctnn::shape<2, 2, 1>>);
  STATIC_REQUIRE(std::is_same_v<bound<max_pool2d<pool<2>, padding::same>, S5>::output_shape, ctnn::shape<3, 3, 1>>);
  STATIC_REQUIRE(std::is_same_v<bound<global_average_pool2d, In>::output_shape, ctnn::shape<32>>);

  using net = sequential<input<28, 28, 3>, ctnn::conv2d<8, kernel<3>, padding::same>, average_pool2d<>,
                         max_pool2d<pool<2>, padding::same>, global_average_pool2d, ctnn::dense<10>>;
  STATIC_REQUIRE(net::valid);
  STATIC_REQUIRE(net::parameter_counts == std::array<std::size_t, 5>{3 * 3 * 3 * 8 + 8, 0, 0, 0, 8 * 10 + 10});
  STATIC_REQUIRE(std::is_same_v<std::tuple_element_t<2, net::layer_types>::output_shape, ctnn::shape<7, 7, 8>>);
  STATIC_REQUIRE(ctnn::layer<std::tuple_element_t<1, net::layer_types>>);
  STATIC_REQUIRE(ctnn::layer<std::tuple_element_t<2, net::layer_types>>);
  STATIC_REQUIRE(ctnn::layer<std::tuple_element_t<3, net::layer_types>>);
}

TEST_CASE("pooling: values computed by hand, 'same' ignores the padding", "[pooling]") {
  // x = 1 2 3    pool 2, same: pad_total = 1*2 + 2 - 3 = 1 on each axis, at the bottom / right.
  //     4 5 6    max:  (1,2,4,5) -> 5   (3,6) -> 6     average: 12/4 = 3    9/2 = 4.5
  //     7 8 9          (7,8) -> 8       (9) -> 9                15/2 = 7.5  9/1 = 9
  const std::vector<float> x{1, 2, 3, 4, 5, 6, 7, 8, 9};
  std::vector<float> work;
  using In = ctnn::shape<3, 3, 1>;
  CHECK(run_forward<bound<max_pool2d<pool<2>, padding::same>, In>>(x, 1, work) == std::vector<float>{5, 6, 8, 9});
  CHECK(run_forward<bound<average_pool2d<pool<2>, padding::same>, In>>(x, 1, work) ==
        std::vector<float>{3, 4.5f, 7.5f, 9});
  // valid: one window, the top-left 2 x 2.
  CHECK(run_forward<bound<max_pool2d<>, In>>(x, 1, work) == std::vector<float>{5});
  CHECK(run_forward<bound<average_pool2d<>, In>>(x, 1, work) == std::vector<float>{3});

  // Channels pool separately: x(h, w, c) with c = 0 -> 1..4, c = 1 -> -1..-4 (2 x 2 x 2).
  const std::vector<float> xc{1, -1, 2, -2, 3, -3, 4, -4};
  CHECK(run_forward<bound<max_pool2d<>, ctnn::shape<2, 2, 2>>>(xc, 1, work) == std::vector<float>{4, -1});
  CHECK(run_forward<bound<global_average_pool2d, ctnn::shape<2, 2, 2>>>(xc, 1, work) ==
        std::vector<float>{2.5f, -2.5f});
}

TEST_CASE("max_pool2d: the gradient goes to the first maximum of each window", "[pooling]") {
  using L = bound<max_pool2d<pool<2>, strides<1>>, ctnn::shape<2, 3, 1>>;
  // x = 7 7 1    windows: (7 7 / 3 7) and (7 1 / 7 2); ties go to the first in row-major order,
  //     3 7 2    i.e. x(0,0) for the first window and x(0,1) for the second.
  const std::vector<double> x{7, 7, 1, 3, 7, 2};
  std::vector<double> work;
  const auto y = run_forward<L>(x, 1, work);
  CHECK(y == std::vector<double>{7, 7});
  const auto dx = run_backward<L>(x, y, {10, 100}, 1, work);
  CHECK(dx == std::vector<double>{10, 100, 0, 0, 0, 0});
  // Overlapping windows add up on a shared maximum.
  const std::vector<double> x2{1, 9, 1, 3, 0, 2};
  const auto y2 = run_forward<L>(x2, 1, work);
  CHECK(run_backward<L>(x2, y2, {10, 100}, 1, work) == std::vector<double>{0, 110, 0, 0, 0, 0});

  // Windows that do not overlap (the default strides) take a one-pass route: the same rule, and
  // values outside every window (the last row and column here) get 0.
  using D = bound<max_pool2d<>, ctnn::shape<3, 3, 2>>;
  // channel 0: 1 9 1 / 3 0 2 / 5 5 5 -> max 9 at (0,1); channel 1: all 4 -> tie, first at (0,0)
  const std::vector<double> x3{1, 4, 9, 4, 1, 4, 3, 4, 0, 4, 2, 4, 5, 4, 5, 4, 5, 4};
  const auto y3 = run_forward<D>(x3, 1, work);
  CHECK(y3 == std::vector<double>{9, 4});
  CHECK(run_backward<D>(x3, y3, {10, 100}, 1, work) ==
        std::vector<double>{0, 100, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  // With 'same' padding the last row and column form windows of their own.
  using P = bound<max_pool2d<pool<2>, padding::same>, ctnn::shape<3, 3, 1>>;
  const std::vector<double> x4{1, 2, 3, 4, 5, 6, 7, 8, 9};
  const auto y4 = run_forward<P>(x4, 1, work);
  CHECK(run_backward<P>(x4, y4, {1, 2, 3, 4}, 1, work) == std::vector<double>{0, 0, 0, 0, 1, 2, 0, 3, 4});
}

TEST_CASE("pooling: forward equals a naive loop", "[pooling]") {
  SECTION("max, 2 x 2, valid, batch 3") { check_against_naive<max_pool2d<pool<2>>, ctnn::shape<7, 6, 3>>(true, 3, 1); }
  SECTION("max, 3 x 3 stride 2 (overlapping), same") {
    check_against_naive<max_pool2d<pool<3>, strides<2>, padding::same>, ctnn::shape<8, 7, 2>>(true, 2, 2);
  }
  SECTION("max, 2 x 3, strides 1 x 2, same") {
    check_against_naive<max_pool2d<pool<2, 3>, padding::same, strides<1, 2>>, ctnn::shape<5, 8, 4>>(true, 2, 3);
  }
  SECTION("average, 2 x 2, valid") { check_against_naive<average_pool2d<>, ctnn::shape<6, 6, 5>>(false, 3, 4); }
  SECTION("average, 3 x 2, strides 2 x 1, same") {
    check_against_naive<average_pool2d<pool<3, 2>, strides<2, 1>, padding::same>, ctnn::shape<7, 5, 3>>(false, 2, 5);
  }
  SECTION("average, pool larger than the input, same") {
    check_against_naive<average_pool2d<pool<4>, padding::same>, ctnn::shape<3, 2, 2>>(false, 2, 6);
  }
}

TEST_CASE("pooling: gradients match finite differences (double precision)", "[pooling][gradient]") {
  SECTION("max 2 x 2 after a convolution") {
    using net = sequential<input<6, 6, 2>, ctnn::conv2d<3, kernel<3>, ctnn::tanh, padding::same>, max_pool2d<>,
                           ctnn::flatten, ctnn::dense<3>>;
    // 3 samples: with 2, one kernel gradient is ~1e-5, where the central difference's rounding
    // (~1e-10 / h) alone exceeds the 1e-6 relative bound (it agrees to 3e-7 with h = 1e-5).
    CHECK(gradient_error<net>(3) < 1e-6);
  }
  SECTION("max 2 x 2, same, on an odd size (disjoint windows, one of them partly padding)") {
    using net = sequential<input<5, 5, 1>, ctnn::conv2d<2, kernel<2>, ctnn::tanh, padding::same>,
                           max_pool2d<pool<2>, padding::same>, ctnn::flatten, ctnn::dense<2>>;
    CHECK(gradient_error<net>(3) < 1e-6);
  }
  SECTION("max 3 x 3, stride 2, same (overlapping windows)") {
    using net = sequential<input<7, 6, 2>, ctnn::conv2d<2, kernel<2>, ctnn::tanh>,
                           max_pool2d<pool<3>, strides<2>, padding::same>, ctnn::flatten, ctnn::dense<2>>;
    CHECK(gradient_error<net>(2) < 1e-6);
  }
  SECTION("average 2 x 3, strides 1 x 2, same; then average 2 x 2 valid") {
    using net = sequential<input<6, 7, 1>, ctnn::conv2d<3, kernel<2>, ctnn::tanh>,
                           average_pool2d<pool<2, 3>, strides<1, 2>, padding::same>, average_pool2d<>,
                           ctnn::flatten, ctnn::dense<2>>;
    CHECK(gradient_error<net>(3) < 1e-6);
  }
  SECTION("global average pooling") {
    using net = sequential<input<5, 4, 2>, ctnn::conv2d<4, kernel<3>, ctnn::tanh, padding::same>,
                           global_average_pool2d, ctnn::dense<3, ctnn::tanh>>;
    CHECK(gradient_error<net>(3) < 1e-6);
  }
}
