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
using ctnn::up_sampling2d;
using ctnn_test::bound;

// Nearest-neighbour up-sampling by its definition: y(i, j, c) = x(i / rows, j / columns, c); and
// its adjoint, dx(r, q, c) = the sum of dy over the output pixels that copy (r, q).
template <class Spec, std::size_t H, std::size_t W, std::size_t C>
void check_values() {
  using L = bound<Spec, shape<H, W, C>>;
  constexpr std::size_t n = 2, sh = Spec::rows, sw = Spec::columns, oh = H * sh, ow = W * sw;
  STATIC_REQUIRE(std::is_same_v<typename L::output_shape, shape<oh, ow, C>>);
  L layer;
  ctnn::pass_context ctx;
  const auto x = ctnn_test::random_values<double>(n * H * W * C, 3);
  std::vector<double> y(n * oh * ow * C, -99.0);
  layer.forward(ctnn::forward_io<double>{nullptr, x.data(), y.data(), n, nullptr}, ctx);
  for (std::size_t s = 0; s < n; ++s)
    for (std::size_t i = 0; i < oh; ++i)
      for (std::size_t j = 0; j < ow; ++j)
        for (std::size_t c = 0; c < C; ++c)
          CHECK(y[((s * oh + i) * ow + j) * C + c] == x[((s * H + i / sh) * W + j / sw) * C + c]);
  const auto dy = ctnn_test::random_values<double>(n * oh * ow * C, 4);
  std::vector<double> dx(n * H * W * C, -99.0), dy_copy = dy;
  layer.backward(ctnn::backward_io<double>{nullptr, nullptr, x.data(), y.data(), dy_copy.data(), dx.data(), n}, ctx);
  for (std::size_t s = 0; s < n; ++s)
    for (std::size_t r = 0; r < H; ++r)
      for (std::size_t q = 0; q < W; ++q)
        for (std::size_t c = 0; c < C; ++c) {
          double sum = 0;
          for (std::size_t a = 0; a < sh; ++a)
            for (std::size_t b = 0; b < sw; ++b) sum += dy[((s * oh + r * sh + a) * ow + q * sw + b) * C + c];
          // The same sh * sw terms summed in another order: each addition rounds by at most half an
          // ulp of a partial sum no larger than sh * sw (|dy| <= 1), so the two differ by at most
          // 2 (sh sw - 1) of those, 2 (sh sw - 1) sh sw 2^-53.
          const double bound = 2.0 * (sh * sw - 1) * (sh * sw) * 0x1p-53;
          CHECK(std::abs(dx[((s * H + r) * W + q) * C + c] - sum) <= bound);
        }
}
}  // namespace

TEST_CASE("up_sampling2d: Keras' size, default (2, 2), nearest", "[up_sampling2d]") {
  STATIC_REQUIRE(up_sampling2d<>::size == std::array<std::size_t, 2>{2, 2});
  STATIC_REQUIRE(up_sampling2d<3>::size == std::array<std::size_t, 2>{3, 3});
  STATIC_REQUIRE(up_sampling2d<1, 2>::size == std::array<std::size_t, 2>{1, 2});
  STATIC_REQUIRE(std::is_same_v<bound<up_sampling2d<>, shape<7, 7, 16>>::output_shape, shape<14, 14, 16>>);
  STATIC_REQUIRE(bound<up_sampling2d<>, shape<2, 2, 1>>::parameter_count == 0);
  using ctnn::detail::refuses_with;
  STATIC_REQUIRE(refuses_with<up_sampling2d<0>::size_not_keras, up_sampling2d<0>, shape<4, 4, 1>>);
  STATIC_REQUIRE(refuses_with<up_sampling2d<2, 0>::size_not_keras, up_sampling2d<2, 0>, shape<4, 4, 1>>);
  STATIC_REQUIRE(refuses_with<up_sampling2d<1, 2, 3>::size_not_keras, up_sampling2d<1, 2, 3>, shape<4, 4, 1>>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::needs_image, up_sampling2d<>, shape<4, 4>>);
}

TEST_CASE("up_sampling2d: values and dL/dx by the definition", "[up_sampling2d]") {
  check_values<up_sampling2d<>, 2, 3, 2>();
  check_values<up_sampling2d<1, 3>, 3, 2, 1>();
  check_values<up_sampling2d<3, 1>, 2, 2, 3>();
  check_values<up_sampling2d<1>, 2, 2, 2>();
}

TEST_CASE("up_sampling2d: Keras' docstring example", "[up_sampling2d]") {
  // x = arange(12).reshape(2, 2, 1, 3); UpSampling2D(size=(1, 2))(x) repeats each pixel across.
  using L = bound<up_sampling2d<1, 2>, shape<2, 1, 3>>;
  L layer;
  ctnn::pass_context ctx;
  std::vector<float> x(12), y(24, -1);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = float(i);
  layer.forward(ctnn::forward_io<float>{nullptr, x.data(), y.data(), 2, nullptr}, ctx);
  CHECK(y == std::vector<float>{0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5, 6, 7, 8, 6, 7, 8, 9, 10, 11, 9, 10, 11});
}

TEST_CASE("up_sampling2d: gradients through it match finite differences (double)", "[up_sampling2d][gradient]") {
  using net = sequential<input<2, 3, 2>, up_sampling2d<2, 3>, ctnn::conv2d<2, ctnn::kernel<3>, ctnn::tanh>,
                         ctnn::flatten, ctnn::dense<1>>;
  CHECK(ctnn_test::gradient_error<net>(2, 5, 6) < 1e-6);
}
