#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <type_traits>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "support/layer_test.hpp"

namespace {
using ctnn::input;
using ctnn::sequential;
using ctnn::shape;
using ctnn::zero_padding2d;
using ctnn_test::bound;

// The padded image by its definition, independently of the layer: y(i, j, c) = x(i - top,
// j - left, c) where that is inside the input, 0 elsewhere.
template <class Spec, std::size_t H, std::size_t W, std::size_t C>
std::vector<double> padded(const std::vector<double>& x, std::size_t n) {
  constexpr std::size_t oh = H + Spec::top + Spec::bottom, ow = W + Spec::left + Spec::right;
  std::vector<double> y(n * oh * ow * C, 0.0);
  for (std::size_t s = 0; s < n; ++s)
    for (std::size_t i = 0; i < oh; ++i)
      for (std::size_t j = 0; j < ow; ++j)
        for (std::size_t c = 0; c < C; ++c) {
          const long r = long(i) - long(Spec::top), q = long(j) - long(Spec::left);
          if (r >= 0 && r < long(H) && q >= 0 && q < long(W))
            y[((s * oh + i) * ow + j) * C + c] = x[((s * H + std::size_t(r)) * W + std::size_t(q)) * C + c];
        }
  return y;
}

template <class Spec, std::size_t H, std::size_t W, std::size_t C>
void check_values() {
  using L = bound<Spec, shape<H, W, C>>;
  constexpr std::size_t n = 2, out = L::output_shape::size;
  L layer;
  ctnn::pass_context ctx;
  const auto x = ctnn_test::random_values<double>(n * H * W * C, 3);
  std::vector<double> y(n * out, -99.0);
  layer.forward(ctnn::forward_io<double>{nullptr, x.data(), y.data(), n, nullptr}, ctx);
  CHECK(y == padded<Spec, H, W, C>(x, n));
  // dL/dx: dy at the input's place in the output; the padding's gradient goes nowhere.
  const auto dy = ctnn_test::random_values<double>(n * out, 4);
  std::vector<double> dx(n * H * W * C, -99.0), d = dy;
  layer.backward(ctnn::backward_io<double>{nullptr, nullptr, x.data(), y.data(), d.data(), dx.data(), n}, ctx);
  for (std::size_t s = 0; s < n; ++s)
    for (std::size_t i = 0; i < H; ++i)
      for (std::size_t j = 0; j < W; ++j)
        for (std::size_t c = 0; c < C; ++c)
          CHECK(dx[((s * H + i) * W + j) * C + c] ==
                dy[((s * L::out_h + i + Spec::top) * L::out_w + j + Spec::left) * C + c]);
}
}  // namespace

TEST_CASE("zero_padding2d: Keras' four spellings of padding, default 1", "[zero_padding2d]") {
  STATIC_REQUIRE(zero_padding2d<>::sides == std::array<std::size_t, 4>{1, 1, 1, 1});
  STATIC_REQUIRE(zero_padding2d<2>::sides == std::array<std::size_t, 4>{2, 2, 2, 2});
  STATIC_REQUIRE(zero_padding2d<1, 3>::sides == std::array<std::size_t, 4>{1, 1, 3, 3});  // (height, width)
  STATIC_REQUIRE(zero_padding2d<0, 1, 2, 3>::sides == std::array<std::size_t, 4>{0, 1, 2, 3});
  STATIC_REQUIRE(std::is_same_v<bound<zero_padding2d<>, shape<28, 28, 1>>::output_shape, shape<30, 30, 1>>);
  STATIC_REQUIRE(std::is_same_v<bound<zero_padding2d<0, 1, 2, 3>, shape<4, 5, 2>>::output_shape, shape<5, 10, 2>>);
  STATIC_REQUIRE(bound<zero_padding2d<>, shape<4, 4, 1>>::parameter_count == 0);
  using ctnn::detail::refuses_with;
  STATIC_REQUIRE(refuses_with<zero_padding2d<1, 2, 3>::padding_not_keras, zero_padding2d<1, 2, 3>, shape<4, 4, 1>>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::needs_image, zero_padding2d<>, shape<16>>);
  // The split is in the description: the output shape alone does not tell (0, 2) from (1, 1).
  using a = sequential<input<3, 3, 1>, zero_padding2d<0, 2, 1, 1>>;
  using b = sequential<input<3, 3, 1>, zero_padding2d<1, 1, 1, 1>>;
  STATIC_REQUIRE(std::is_same_v<a::output_shape, b::output_shape>);
  CHECK(std::string_view(ctnn::network_description<a>) != std::string_view(ctnn::network_description<b>));
  CHECK(std::string_view(ctnn::network_description<a>).find("padding=0x2x1x1") != std::string_view::npos);
}

TEST_CASE("zero_padding2d: values and dL/dx by the definition", "[zero_padding2d]") {
  check_values<zero_padding2d<>, 3, 4, 2>();
  check_values<zero_padding2d<0, 2, 3, 1>, 2, 3, 3>();
  check_values<zero_padding2d<0>, 2, 2, 1>();
}

TEST_CASE("zero_padding2d: Keras' docstring example", "[zero_padding2d]") {
  // x = arange(4).reshape(1, 1, 2, 2); ZeroPadding2D(padding=1)(x) is 3 x 4 x 2 with x's two
  // pixels in the middle row, columns 1 and 2.
  using L = bound<zero_padding2d<1>, shape<1, 2, 2>>;
  L layer;
  ctnn::pass_context ctx;
  const std::vector<float> x{0, 1, 2, 3};
  std::vector<float> y(L::output_shape::size, -1);
  layer.forward(ctnn::forward_io<float>{nullptr, x.data(), y.data(), 1, nullptr}, ctx);
  CHECK(y == std::vector<float>{0, 0, 0, 0, 0, 0, 0, 0,  //
                                0, 0, 0, 1, 2, 3, 0, 0,  //
                                0, 0, 0, 0, 0, 0, 0, 0});
}

TEST_CASE("zero_padding2d: gradients through it match finite differences (double)", "[zero_padding2d][gradient]") {
  using net = sequential<input<3, 3, 2>, zero_padding2d<1, 0, 2, 1>, ctnn::conv2d<2, ctnn::kernel<2>, ctnn::tanh>,
                         ctnn::flatten, ctnn::dense<1>>;
  CHECK(ctnn_test::gradient_error<net>(2, 5, 6) < 1e-6);
}
