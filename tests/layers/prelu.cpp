#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <type_traits>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "support/layer_test.hpp"

namespace {
using ctnn::input;
using ctnn::prelu;
using ctnn::sequential;
using ctnn::shape;
using ctnn::shared_axes;
using ctnn_test::bound;

// PReLU on an (H, W, C) sample by Keras' definition, relu(x) - alpha relu(-x), with alpha read
// at (i or 0, j or 0, c or 0) as each axis is shared or not: written apart from the layer's
// stride tables.
template <bool S1, bool S2, bool S3, std::size_t H, std::size_t W, std::size_t C>
void check_image() {
  using spec = std::conditional_t<
      S1, std::conditional_t<S2, std::conditional_t<S3, prelu<shared_axes<1, 2, 3>>, prelu<shared_axes<1, 2>>>,
                             std::conditional_t<S3, prelu<shared_axes<3, 1>>, prelu<shared_axes<1>>>>,
      std::conditional_t<S2, std::conditional_t<S3, prelu<shared_axes<2, 3>>, prelu<shared_axes<2>>>,
                         std::conditional_t<S3, prelu<shared_axes<3>>, prelu<>>>>;
  using L = bound<spec, shape<H, W, C>>;
  constexpr std::size_t ah = S1 ? 1 : H, aw = S2 ? 1 : W, ac = S3 ? 1 : C;
  STATIC_REQUIRE(L::parameters[0].dims == std::array<std::size_t, 4>{ah, aw, ac, 0});
  STATIC_REQUIRE(L::parameter_count == ah * aw * ac);
  constexpr std::size_t n = 3;
  L layer;
  ctnn::pass_context ctx;
  auto x = ctnn_test::random_values<double>(n * H * W * C, 5);
  x[1] = 0;  // relu's kink: y = 0, no gradient through either term
  const auto alpha = ctnn_test::random_values<double>(L::parameter_storage, 6);
  std::vector<double> y(x.size());
  layer.forward(ctnn::forward_io<double>{alpha.data(), x.data(), y.data(), n, nullptr}, ctx);
  const auto dy = ctnn_test::random_values<double>(x.size(), 7);
  std::vector<double> dx(x.size()), grads(L::parameter_storage, -99.0), d = dy;
  layer.backward(ctnn::backward_io<double>{alpha.data(), grads.data(), x.data(), y.data(), d.data(), dx.data(), n},
                 ctx);
  std::vector<double> dalpha(L::parameter_count, 0.0);
  for (std::size_t s = 0; s < n; ++s)
    for (std::size_t i = 0; i < H; ++i)
      for (std::size_t j = 0; j < W; ++j)
        for (std::size_t c = 0; c < C; ++c) {
          const std::size_t k = ((s * H + i) * W + j) * C + c;
          const std::size_t a = ((S1 ? 0 : i) * aw + (S2 ? 0 : j)) * ac + (S3 ? 0 : c);
          const double relu = std::max(x[k], 0.0), relu_neg = std::max(-x[k], 0.0);
          CHECK(y[k] == relu - alpha[a] * relu_neg);
          CHECK(dx[k] == dy[k] * (x[k] > 0 ? 1 : x[k] < 0 ? alpha[a] : 0));
          dalpha[a] += -dy[k] * relu_neg;
        }
  // dL/dalpha sums n H W C / size(alpha) terms (|dy x| < 1) in the same order as the layer or
  // not: each sum is within (terms - 1) 2^-53 (terms) of the exact one; twice that apart.
  const double terms = double(n * H * W * C) / double(L::parameter_count);
  for (std::size_t a = 0; a < L::parameter_count; ++a)
    CHECK(std::abs(grads[a] - dalpha[a]) <= 2 * (terms - 1) * terms * 0x1p-53);
}
}  // namespace

TEST_CASE("prelu: Keras' alpha shape, shared_axes, fans, initializer and name", "[prelu]") {
  // Default: alpha has the input's shape.
  using image = bound<prelu<>, shape<4, 5, 3>>;
  STATIC_REQUIRE(image::parameters[0].name == "alpha");
  STATIC_REQUIRE(image::parameters[0].dims == std::array<std::size_t, 4>{4, 5, 3, 0});
  STATIC_REQUIRE(image::parameters[0].rank == 3);
  STATIC_REQUIRE(image::parameter_count == 60);
  // Keras' compute_fans of (4, 5, 3): receptive field 4, fan_in 5 * 4, fan_out 3 * 4.
  STATIC_REQUIRE(image::parameters[0].fan_in == 20);
  STATIC_REQUIRE(image::parameters[0].fan_out == 12);
  // After a conv2d, PReLU(shared_axes=[1, 2]): one slope per channel.
  using per_channel = bound<prelu<shared_axes<1, 2>>, shape<4, 5, 3>>;
  STATIC_REQUIRE(per_channel::parameters[0].dims == std::array<std::size_t, 4>{1, 1, 3, 0});
  STATIC_REQUIRE(per_channel::parameter_count == 3);
  STATIC_REQUIRE(bound<prelu<shared_axes<2, 2>>, shape<4, 5>>::parameter_count == 4);  // named twice: once
  STATIC_REQUIRE(bound<prelu<>, shape<6>>::parameters[0].fan_in == 6);
  STATIC_REQUIRE(bound<prelu<>, shape<3, 6>>::parameters[0].fan_out == 6);
  STATIC_REQUIRE(image::kind == "p_re_lu");  // the name Keras gives a PReLU layer
  using net = sequential<input<8>, ctnn::dense<4>, prelu<>, ctnn::dense<1>>;
  STATIC_REQUIRE(net::parameter_counts == std::array<std::size_t, 3>{36, 4, 5});
  // alpha_initializer: zeros by default (Keras' "Zeros"), so the layer starts as a relu.
  ctnn::model<net, ctnn::loss::mean_squared_error, ctnn::optim::sgd> m;
  const auto p = m.parameters();
  for (std::size_t i = 36; i < 40; ++i) CHECK(p[i] == 0.0f);
  using ones = bound<prelu<ctnn::alpha_initializer<ctnn::init::he_normal>>, shape<6>>;
  std::vector<double> a(ones::parameter_storage, 0.0);
  ctnn::detail::rng r(1);
  ones{}.initialize(std::span<double>(a), r);
  CHECK(std::any_of(a.begin(), a.begin() + 6, [](double v) { return v != 0; }));
  // What is refused, one sentence each (tests/compile_fail/prelu_*).
  using ctnn::detail::refuses_with;
  STATIC_REQUIRE(refuses_with<prelu<shared_axes<3>>::shared_axis_out_of_range, prelu<shared_axes<3>>, shape<4, 5>>);
  STATIC_REQUIRE(refuses_with<prelu<shared_axes<0>>::shared_axis_out_of_range, prelu<shared_axes<0>>, shape<4, 5>>);
  STATIC_REQUIRE(refuses_with<prelu<ctnn::relu>::unknown_option, prelu<ctnn::relu>, shape<4>>);
  STATIC_REQUIRE(refuses_with<prelu<>::needs_rank_1_to_4, prelu<>, shape<1, 2, 1, 2, 1>>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::option_twice, prelu<shared_axes<1>, shared_axes<2>>, shape<4, 5>>);
}

TEST_CASE("prelu: values and gradients by Keras' definition, every sharing of an image's axes", "[prelu]") {
  check_image<false, false, false, 2, 3, 2>();
  check_image<true, true, false, 3, 2, 4>();
  check_image<false, false, true, 2, 2, 3>();
  check_image<true, false, true, 3, 3, 2>();
  check_image<true, true, true, 2, 2, 2>();
}

TEST_CASE("prelu: NaN in, NaN out", "[prelu][nan]") {
  using L = bound<prelu<>, shape<2>>;
  L layer;
  ctnn::pass_context ctx;
  const std::array<float, 2> x{std::numeric_limits<float>::quiet_NaN(), -2.0f}, alpha{0.25f, 0.25f};
  std::array<float, 2> y{};
  layer.forward(ctnn::forward_io<float>{alpha.data(), x.data(), y.data(), 1, nullptr}, ctx);
  CHECK(std::isnan(y[0]));
  CHECK(y[1] == -0.5f);
}

TEST_CASE("prelu: gradients match finite differences (double)", "[prelu][gradient]") {
  using image = sequential<input<3, 3, 2>, ctnn::conv2d<2, ctnn::kernel<2>>, prelu<shared_axes<1, 2>>, ctnn::flatten,
                           ctnn::dense<1>>;
  CHECK(ctnn_test::gradient_error<image>(3, 5, 6) < 1e-6);
  using vector = sequential<input<5>, ctnn::dense<4>, prelu<>, ctnn::dense<2>>;
  CHECK(ctnn_test::gradient_error<vector>(4, 5, 6) < 1e-6);
}

TEST_CASE("prelu: streams on a sequence whose time axis shares its slopes", "[prelu][streaming]") {
  STATIC_REQUIRE(ctnn::layer_traits<bound<prelu<shared_axes<1>>, shape<4, 3>>>::streams);
  STATIC_REQUIRE(!ctnn::layer_traits<bound<prelu<>, shape<4, 3>>>::streams);  // a slope per time step
  using net = sequential<input<5, 3>, ctnn::conv1d<2, ctnn::kernel<2>, ctnn::padding::causal>, prelu<shared_axes<1>>>;
  ctnn::model<net, ctnn::loss::mean_squared_error, ctnn::optim::sgd> m;
  // Multiples of 1/64 in [-1, 1]: the convolution's sums of 7 terms and the slopes' products
  // are exact in float, so a step and the whole sequence give the same bits whatever order the
  // products sum in.
  auto sixty_fourth = [r = ctnn::detail::rng(4)]() mutable {
    return static_cast<float>(std::round(r.uniform(-1, 1) * 64) / 64);
  };
  for (auto& v : m.parameters()) v = sixty_fourth();
  ctnn::model<net, ctnn::loss::mean_squared_error, ctnn::optim::sgd>::input_samples x(1);
  for (std::size_t i = 0; i < 15; ++i) x.data()[i] = sixty_fourth();
  const auto whole = m.predict(x);
  m.reset_states();
  for (std::size_t t = 0; t < 5; ++t) {
    const auto y = m.step(std::span<const float, 3>(x.data() + 3 * t, 3));
    for (std::size_t j = 0; j < 2; ++j) CHECK(y[j] == whole.data()[2 * t + j]);
  }
}
