#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "layer_normalization_reference.hpp"
#include "support/layer_test.hpp"

namespace {
using ctnn::input;
using ctnn::layer_normalization;
using ctnn::sequential;
using ctnn::shape;
using ctnn_test::bound;

template <class Network>
double gradient_error(std::size_t n) { return ctnn_test::gradient_error<Network>(n, 7, 11); }

template <class C>
using spec_of = layer_normalization<ctnn::center<C::center>, ctnn::scale<C::scale>>;

// A reference case (tests/layers/layer_normalization_reference.py), in float, as inference runs.
template <class C>
void check_reference() {
  INFO("case " << C::name);
  using L = bound<spec_of<C>, typename C::shape>;
  constexpr std::size_t k = L::features, rows = C::n * L::positions;
  REQUIRE(std::size(C::y) == rows * k);
  L layer;
  std::vector<float> params(L::parameter_storage, -99.0f);
  if constexpr (C::scale) std::copy(std::begin(C::gamma), std::end(C::gamma), params.begin() + L::gamma_offset);
  if constexpr (C::center) std::copy(std::begin(C::beta), std::end(C::beta), params.begin() + L::beta_offset);
  std::vector<float> y(rows * k, -99.0f);
  ctnn::pass_context ctx;
  layer.forward(ctnn::forward_io<float>{params.data(), C::x, y.data(), C::n}, ctx);
  for (std::size_t r = 0; r < rows; ++r) {
    const float* x = C::x + r * k;
    // The statistics are computed in double (their error, some k 2^-53 relative, is negligible
    // here); then, per value, Keras' formula in float: inv = gamma / sqrt(variance + epsilon) and
    // res = beta - mean inv are each rounded once to float (relative error at most u = 2^-24),
    // x inv is rounded once, and so is x inv + res (once in all when contracted into an FMA). To
    // first order the error is then at most u (|x inv| (inv's rounding) + |x inv| + |res| + |y|);
    // the factor 1.01 covers the second-order terms (relative u). Far from zero (x ~ 100, spread
    // 1) x inv and res nearly cancel: the bound, like Keras' own float32 result, is then a few
    // 1e-5, not a few 1e-7.
    double mean = 0, variance = 0;
    for (std::size_t c = 0; c < k; ++c) mean += x[c];
    mean /= double(k);
    for (std::size_t c = 0; c < k; ++c) variance += (x[c] - mean) * (x[c] - mean);
    variance /= double(k);
    for (std::size_t c = 0; c < k; ++c) {
      const double gamma = C::scale ? double(C::gamma[c]) : 1.0, beta = C::center ? double(C::beta[c]) : 0.0;
      const double inv = gamma / std::sqrt(variance + 1e-3), res = beta - mean * inv;
      const double want = C::y[r * k + c];
      const double bound = 1.01 * 0x1p-24 * (2 * std::abs(x[c] * inv) + std::abs(res) + std::abs(want));
      INFO("row " << r << ", feature " << c);
      CHECK(std::abs(double(y[r * k + c]) - want) <= bound);
    }
  }
}

}  // namespace

TEST_CASE("layer_normalization: shapes, parameters and defaults are Keras'", "[layer_normalization]") {
  // Any shape; gamma and beta of the last axis' size, Keras' names and order.
  using L = bound<layer_normalization<>, shape<3, 2, 4>>;
  STATIC_REQUIRE(std::is_same_v<L::output_shape, shape<3, 2, 4>>);
  STATIC_REQUIRE(L::features == 4);
  STATIC_REQUIRE(L::positions == 6);
  STATIC_REQUIRE(L::parameter_count == 8);
  STATIC_REQUIRE(L::parameters.size() == 2);
  STATIC_REQUIRE(L::parameters[0].name == std::string_view("gamma"));
  STATIC_REQUIRE(L::parameters[0].role == ctnn::parameter_role::gamma);
  STATIC_REQUIRE(L::parameters[0].dims[0] == 4);
  STATIC_REQUIRE(L::parameters[1].name == std::string_view("beta"));
  STATIC_REQUIRE(L::parameters[1].role == ctnn::parameter_role::beta);
  // No state (the statistics are the sample's own), no workspace, nothing non-trainable.
  STATIC_REQUIRE(ctnn::layer_traits<L>::non_trainable_parameter_count == 0);
  STATIC_REQUIRE(ctnn::layer_traits<L>::workspace_size == 0);
  STATIC_REQUIRE(bound<layer_normalization<ctnn::center<false>>, shape<5>>::parameters.size() == 1);
  STATIC_REQUIRE(bound<layer_normalization<ctnn::center<false>>, shape<5>>::parameters[0].name == std::string_view("gamma"));
  STATIC_REQUIRE(bound<layer_normalization<ctnn::scale<false>>, shape<5>>::parameters[0].name == std::string_view("beta"));
  STATIC_REQUIRE(bound<layer_normalization<ctnn::scale<false>, ctnn::center<false>>, shape<5>>::parameter_count == 0);
  STATIC_REQUIRE(layer_normalization<>::has_center && layer_normalization<>::has_scale);

  // Keras' epsilon and initializers: gamma ones, beta zeros.
  L layer;
  CHECK(layer.epsilon == 1e-3);
  std::vector<float> p(L::parameter_storage, -1.0f);
  ctnn::detail::rng r(1);
  layer.initialize(std::span<float>(p), r);
  for (std::size_t c = 0; c < 4; ++c) {
    CHECK(p[L::gamma_offset + c] == 1.0f);
    CHECK(p[L::beta_offset + c] == 0.0f);
  }

  using net = sequential<input<3, 2, 4>, layer_normalization<>>;
  CHECK(std::string(ctnn::network_description<net>) ==
        "ctnn/1;input=3x2x4;layer_normalization(in=3x2x4,out=3x2x4,gamma=4,beta=4)");
}

TEST_CASE("layer_normalization: the options are checked", "[layer_normalization]") {
  using ctnn::detail::refuses_with;
  STATIC_REQUIRE(ctnn::detail::links<layer_normalization<ctnn::scale<false>, ctnn::center<true>>, shape<4>>);
  STATIC_REQUIRE(refuses_with<ctnn::detail::option_twice, layer_normalization<ctnn::center<false>, ctnn::center<true>>, shape<4>>);
  using wrong = layer_normalization<ctnn::relu>;
  STATIC_REQUIRE(refuses_with<wrong::unknown_option, wrong, shape<4>>);
}

TEST_CASE("layer_normalization: forward equals Keras' LayerNormalization (reference values from PyTorch)",
          "[layer_normalization]") {
  []<class... C>(std::tuple<C...>*) { (check_reference<C>(), ...); }(static_cast<layer_normalization_reference::cases*>(nullptr));
}

TEST_CASE("layer_normalization: training and inference are the same; epsilon is a run-time member, inside the root",
          "[layer_normalization]") {
  using L = bound<layer_normalization<>, shape<2, 4>>;
  L layer;
  layer.epsilon = 0.5;  // large, so that its place shows
  std::vector<double> params(L::parameter_storage);
  const double gamma[] = {1.5, -1, 0.5, 2}, beta[] = {0.25, 0.5, -0.5, 1};
  std::copy(std::begin(gamma), std::end(gamma), params.begin() + L::gamma_offset);
  std::copy(std::begin(beta), std::end(beta), params.begin() + L::beta_offset);
  const std::vector<double> x{1, 2, 3, 6, -1, -1, 1, 1};
  std::vector<double> train(8), infer(8);
  ctnn::pass_context ctx;
  ctx.phase = ctnn::mode::training;
  layer.forward(ctnn::forward_io<double>{params.data(), x.data(), train.data(), 1}, ctx);
  ctx.phase = ctnn::mode::inference;
  layer.forward(ctnn::forward_io<double>{params.data(), x.data(), infer.data(), 1}, ctx);
  CHECK(train == infer);
  // Row (1, 2, 3, 6): mean 3, biased variance (4 + 1 + 0 + 9) / 4 = 3.5, 1 / sqrt(3.5 + 0.5) = 1/2.
  // Row (-1, -1, 1, 1): mean 0, variance 1, 1 / sqrt(1.5). y = gamma (x - mean) / sqrt(...) + beta.
  const double s = 1 / std::sqrt(1.5);
  const std::array<double, 8> want{1.5 * -2 * 0.5 + 0.25, -1 * -1 * 0.5 + 0.5, 0.5 * 0 * 0.5 - 0.5, 2 * 3 * 0.5 + 1,
                                   1.5 * -1 * s + 0.25,   -1 * -1 * s + 0.5,  0.5 * 1 * s - 0.5,   2 * 1 * s + 1};
  // Keras' form x inv + (beta - mean inv) in double: the statistics are exact here but for
  // 1 / sqrt(1.5); each rounding (of 1 / sqrt, inv, mean inv, res, x inv, their sum) is at most
  // 2^-53 of a value below 6 (|x inv| <= 6, |mean inv| <= 3, |y| <= 4), and the relative error
  // of inv reaches y through x inv and mean inv: below (2 (6 + 3) + 6 + 3 + 3 + 6 + 4) 2^-53,
  // within 64 * 2^-53.
  for (std::size_t i = 0; i < 8; ++i) CHECK(std::abs(infer[i] - want[i]) <= 64 * 0x1p-53);
}

TEST_CASE("layer_normalization: gradients match finite differences (double precision)", "[layer_normalization][gradient]") {
  SECTION("after a dense layer, features") {
    using net = sequential<input<3>, ctnn::dense<5, ctnn::tanh>, layer_normalization<>, ctnn::dense<2>>;
    CHECK(gradient_error<net>(3) < 1e-6);
  }
  SECTION("an image, every pixel's channels; then a convolution uses dL/dx") {
    using net = sequential<input<3, 3, 4>, layer_normalization<>, ctnn::conv2d<2, ctnn::kernel<2>, ctnn::tanh>,
                           ctnn::flatten, ctnn::dense<2>>;
    CHECK(gradient_error<net>(2) < 1e-6);
  }
  SECTION("without center, without scale, and as the last layer") {
    using a = sequential<input<2, 5>, layer_normalization<ctnn::center<false>>, ctnn::flatten, ctnn::dense<2>>;
    CHECK(gradient_error<a>(2) < 1e-6);
    using b = sequential<input<2, 5>, ctnn::dense<4, ctnn::tanh>, layer_normalization<ctnn::scale<false>>>;
    CHECK(gradient_error<b>(2) < 1e-6);
  }
  SECTION("dL/dx of the first layer") {
    using net = sequential<input<2, 6>, layer_normalization<>, ctnn::dense<3, ctnn::tanh>>;
    ctnn_test::gradient_check<net, ctnn::loss::mean_squared_error> check(3, 5);
    for (std::size_t i = 0; i < check.labels().size(); ++i) check.labels()[i] = 0.1 * double(i % 5) - 0.2;
    CHECK(check.max_input_relative_error() < 1e-6);
  }
}
