// ctnn::batch_normalization (Keras' BatchNormalization).
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "support/allocation_counter.hpp"
#include "support/layer_test.hpp"

namespace {
using ctnn::batch_normalization;
using ctnn::dense;
using ctnn::gaussian_noise;
using ctnn::gaussian_noise_stddev;
using ctnn::input;
using ctnn::sequential;

using ctnn_test::bound;
using ctnn_test::random_values;

// ctnn::gaussian_noise<0.3f> where the compiler takes a floating literal for a class-type
// template argument (GCC 12); clang 14 does not, so the tests spell the portable form.
using noise30 = gaussian_noise<gaussian_noise_stddev{0.3}>;

template <class Network>
double gradient_error(std::size_t n, std::uint64_t seed = 7) { return ctnn_test::gradient_error<Network>(n, seed, 17); }

// Per channel (the last axis) mean and biased variance over `rows` rows of `channels` values,
// written out as plain loops over every index, independently of the layer.
struct moments {
  std::vector<double> mean, variance;
};
template <class T>
moments reference_moments(const std::vector<T>& x, std::size_t rows, std::size_t channels) {
  moments m{std::vector<double>(channels, 0.0), std::vector<double>(channels, 0.0)};
  for (std::size_t c = 0; c < channels; ++c) {
    for (std::size_t r = 0; r < rows; ++r) m.mean[c] += x[r * channels + c];
    m.mean[c] /= static_cast<double>(rows);
    for (std::size_t r = 0; r < rows; ++r) {
      const double d = x[r * channels + c] - m.mean[c];
      m.variance[c] += d * d;
    }
    m.variance[c] /= static_cast<double>(rows);
  }
  return m;
}

// A bound layer with its own parameter slice, run outside a model.
template <class L, class T>
struct standalone {
  L layer;
  std::vector<T> params = std::vector<T>(L::parameter_storage + 1);
  ctnn::detail::rng rng{1};
  standalone() { layer.initialize(std::span<T>(params.data(), L::parameter_storage), rng); }
  T& gamma(std::size_t c) { return params[L::gamma_offset + c]; }
  T& beta(std::size_t c) { return params[L::beta_offset + c]; }
  std::vector<T> forward(const std::vector<T>& x, std::size_t n, ctnn::mode phase) {
    ctnn::pass_context ctx{phase, &rng};
    std::vector<T> y(x.size(), T(-1));
    layer.forward(ctnn::forward_io<T>{params.data(), x.data(), y.data(), n, nullptr}, ctx);
    return y;
  }
};

}  // namespace


TEST_CASE("batch_normalization: shapes, Keras' parameter counts and defaults", "[batch_normalization]") {
  using net = sequential<input<4>, dense<3>, batch_normalization<>>;
  STATIC_REQUIRE(std::is_same_v<net::output_shape, ctnn::shape<3>>);
  STATIC_REQUIRE(net::parameter_count == 4 * 3 + 3 + 2 * 3);
  using bn = std::tuple_element_t<1, net::layer_types>;
  STATIC_REQUIRE(bn::parameter_count == 6);
  STATIC_REQUIRE(bn::non_trainable_parameter_count == 6);  // moving_mean, moving_variance
  STATIC_REQUIRE(bn::parameters.size() == 2);
  STATIC_REQUIRE(bn::parameters[0].name == "gamma");
  STATIC_REQUIRE(bn::parameters[1].name == "beta");
  STATIC_REQUIRE(bn::parameters[1].offset % (ctnn::detail::buffer_alignment / sizeof(float)) == 0);

  // Rank 3 (h, w, c): per channel, so 2 x 8 trainable values whatever h and w are.
  using image = bound<batch_normalization<>, ctnn::shape<5, 7, 8>>;
  STATIC_REQUIRE(std::is_same_v<image::output_shape, ctnn::shape<5, 7, 8>>);
  STATIC_REQUIRE(image::channels == 8);
  STATIC_REQUIRE(image::positions == 35);
  STATIC_REQUIRE(image::parameter_count == 16);
  STATIC_REQUIRE(image::non_trainable_parameter_count == 16);

  // center / scale, in any order, as Keras' keyword arguments.
  using no_beta = bound<batch_normalization<ctnn::center<false>>, ctnn::shape<4>>;
  STATIC_REQUIRE(no_beta::parameter_count == 4);
  STATIC_REQUIRE(no_beta::parameters.size() == 1);
  STATIC_REQUIRE(no_beta::parameters[0].name == "gamma");
  using no_gamma = bound<batch_normalization<ctnn::center<true>, ctnn::scale<false>>, ctnn::shape<4>>;
  STATIC_REQUIRE(no_gamma::parameters.size() == 1);
  STATIC_REQUIRE(no_gamma::parameters[0].name == "beta");
  STATIC_REQUIRE(no_gamma::parameters[0].offset == 0);
  using neither = bound<batch_normalization<ctnn::scale<false>, ctnn::center<false>>, ctnn::shape<4>>;
  STATIC_REQUIRE(neither::parameter_count == 0);
  STATIC_REQUIRE(neither::parameter_storage == 0);
  STATIC_REQUIRE(neither::non_trainable_parameter_count == 8);
  STATIC_REQUIRE(ctnn::layer<image>);
  STATIC_REQUIRE(ctnn::layer<neither>);

  const bn layer{};
  CHECK(layer.momentum == 0.99);
  CHECK(layer.epsilon == 1e-3);
  for (std::size_t c = 0; c < 3; ++c) {
    CHECK(layer.moving_mean[c] == 0.0);
    CHECK(layer.moving_variance[c] == 1.0);
  }
  ctnn::model<net, ctnn::loss::mean_squared_error, ctnn::optim::sgd> m;
  for (float g : m.parameter<1, 0>()) CHECK(g == 1.0f);  // gamma: ones
  for (float b : m.parameter<1, 1>()) CHECK(b == 0.0f);  // beta: zeros
}

TEST_CASE("batch_normalization: training forward equals a plain loop (rank 1)", "[batch_normalization]") {
  constexpr std::size_t n = 7, C = 5;
  using L = bound<batch_normalization<>, ctnn::shape<C>>;
  auto check = [&](auto zero) {
    using T = decltype(zero);
    standalone<L, T> s;
    for (std::size_t c = 0; c < C; ++c) {
      s.gamma(c) = static_cast<T>(0.5 + 0.25 * double(c));
      s.beta(c) = static_cast<T>(-1.0 + 0.5 * double(c));
    }
    // Features on very different scales and offsets, as before a normalization.
    std::vector<T> x = random_values<T>(n * C, 3, -1, 1);
    for (std::size_t r = 0; r < n; ++r)
      for (std::size_t c = 0; c < C; ++c) x[r * C + c] = static_cast<T>(x[r * C + c] * (1 + 3 * double(c)) + 10 * double(c));
    const auto y = s.forward(x, n, ctnn::mode::training);
    const moments mo = reference_moments(x, n, C);
    const double tolerance = std::is_same_v<T, float> ? 1e-5 : 1e-12;
    for (std::size_t r = 0; r < n; ++r)
      for (std::size_t c = 0; c < C; ++c) {
        const double expected = (0.5 + 0.25 * double(c)) * (x[r * C + c] - mo.mean[c]) / std::sqrt(mo.variance[c] + 1e-3) +
                                (-1.0 + 0.5 * double(c));
        CHECK(double(y[r * C + c]) == Approx(expected).margin(tolerance));
      }
  };
  check(0.0);
  check(0.0f);
}

TEST_CASE("batch_normalization: per channel over batch x height x width (rank 3)", "[batch_normalization]") {
  constexpr std::size_t n = 3, H = 4, W = 5, C = 3;
  using L = bound<batch_normalization<>, ctnn::shape<H, W, C>>;
  standalone<L, double> s;
  s.layer.epsilon = 0;  // a run-time hyperparameter; 0 makes the normalized values exactly unit-variance
  std::vector<double> x = random_values<double>(n * H * W * C, 5, -2, 2);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = x[i] * double(1 + i % C) + 3.0 * double(i % C);

  // gamma = 1, beta = 0: every channel comes out with mean 0 and variance 1 over n x H x W.
  const auto y = s.forward(x, n, ctnn::mode::training);
  for (std::size_t c = 0; c < C; ++c) {
    double sum = 0, squares = 0;
    for (std::size_t b = 0; b < n; ++b)
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = 0; w < W; ++w) sum += y[((b * H + h) * W + w) * C + c];
    const double mean = sum / double(n * H * W);
    for (std::size_t b = 0; b < n; ++b)
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = 0; w < W; ++w) {
          const double d = y[((b * H + h) * W + w) * C + c] - mean;
          squares += d * d;
        }
    CHECK(mean == Approx(0.0).margin(1e-12));
    CHECK(squares / double(n * H * W) == Approx(1.0).epsilon(1e-12));
  }

  // With gamma and beta, against the same statistics computed index by index.
  s.layer.epsilon = 1e-3;
  const std::array<double, C> gamma{2.0, -0.5, 1.5}, beta{0.25, 1.0, -3.0};
  for (std::size_t c = 0; c < C; ++c) {
    s.gamma(c) = gamma[c];
    s.beta(c) = beta[c];
  }
  const auto z = s.forward(x, n, ctnn::mode::training);
  for (std::size_t c = 0; c < C; ++c) {
    double mean = 0, variance = 0;
    for (std::size_t b = 0; b < n; ++b)
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = 0; w < W; ++w) mean += x[((b * H + h) * W + w) * C + c];
    mean /= double(n * H * W);
    for (std::size_t b = 0; b < n; ++b)
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = 0; w < W; ++w) variance += std::pow(x[((b * H + h) * W + w) * C + c] - mean, 2);
    variance /= double(n * H * W);
    for (std::size_t b = 0; b < n; ++b)
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = 0; w < W; ++w) {
          const std::size_t i = ((b * H + h) * W + w) * C + c;
          CHECK(z[i] == Approx(gamma[c] * (x[i] - mean) / std::sqrt(variance + 1e-3) + beta[c]).margin(1e-12));
        }
  }
}

TEST_CASE("batch_normalization: moving statistics follow Keras' update with the biased variance", "[batch_normalization]") {
  // Keras issue #10443's batch: x = 1, 2, 3, 4 with momentum 0 leaves the batch's own statistics:
  // mean 2.5 and the biased variance 1.25 (the Bessel-corrected 1.667 is what the report saw
  // from TF's fused kernel).
  {
    standalone<bound<batch_normalization<>, ctnn::shape<1>>, float> s;
    s.layer.momentum = 0;
    (void)s.forward({1, 2, 3, 4}, 4, ctnn::mode::training);
    CHECK(s.layer.moving_mean[0] == 2.5);
    CHECK(s.layer.moving_variance[0] == 1.25);
  }

  // k batches with momentum 0.9, against the update written out: m = 0.9 m + 0.1 batch.
  constexpr std::size_t n = 6, C = 3, k = 4;
  standalone<bound<batch_normalization<>, ctnn::shape<C>>, float> s;
  s.layer.momentum = 0.9;
  std::vector<double> mean(C, 0.0), variance(C, 1.0);
  for (std::size_t step = 0; step < k; ++step) {
    auto x = random_values<float>(n * C, 100 + step, -1, 1);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = x[i] * float(1 + i % C) + float(step);
    (void)s.forward(x, n, ctnn::mode::training);
    const moments mo = reference_moments(x, n, C);
    for (std::size_t c = 0; c < C; ++c) {
      mean[c] = 0.9 * mean[c] + 0.1 * mo.mean[c];
      variance[c] = 0.9 * variance[c] + 0.1 * mo.variance[c];
    }
  }
  for (std::size_t c = 0; c < C; ++c) {
    CHECK(s.layer.moving_mean[c] == Approx(mean[c]).epsilon(1e-12));
    CHECK(s.layer.moving_variance[c] == Approx(variance[c]).epsilon(1e-12));
  }

  // Inference passes leave them alone.
  const auto before_mean = s.layer.moving_mean;
  const auto before_variance = s.layer.moving_variance;
  (void)s.forward(random_values<float>(n * C, 9, -5, 5), n, ctnn::mode::inference);
  CHECK(s.layer.moving_mean == before_mean);
  CHECK(s.layer.moving_variance == before_variance);
}

TEST_CASE("batch_normalization: inference normalizes with the moving statistics", "[batch_normalization]") {
  // By hand: epsilon 0, moving std 2 and 0.5.
  standalone<bound<batch_normalization<>, ctnn::shape<2>>, float> s;
  s.layer.epsilon = 0;
  s.layer.moving_mean = {1.0, -2.0};
  s.layer.moving_variance = {4.0, 0.25};
  s.gamma(0) = 3;
  s.gamma(1) = -1;
  s.beta(0) = 0.5f;
  s.beta(1) = 2;
  const auto y = s.forward({5, -1, -3, -2.5f}, 2, ctnn::mode::inference);
  CHECK(y[0] == Approx(6.5));   // 3 (5 - 1) / 2 + 0.5
  CHECK(y[1] == Approx(0.0));   // -1 (-1 + 2) / 0.5 + 2
  CHECK(y[2] == Approx(-5.5));  // 3 (-3 - 1) / 2 + 0.5
  CHECK(y[3] == Approx(3.0));   // -1 (-2.5 + 2) / 0.5 + 2

  // Through a model, after some training: predict and predict_one use the moving statistics
  // (one sample has no batch statistics worth the name), not the batch's.
  using net = sequential<input<3>, batch_normalization<>>;
  ctnn::model<net, ctnn::loss::mean_squared_error, ctnn::optim::sgd> m;
  m.layer<0>().momentum = 0.5;
  ctnn::samples<3> x(8), t(8);
  ctnn::detail::rng r(4);
  for (auto& v : x.values()) v = static_cast<float>(r.uniform(0, 10));
  for (int i = 0; i < 3; ++i) m.train_on_batch(x, t);
  const auto& bn = m.layer<0>();
  CHECK(bn.moving_mean[0] != 0.0);
  const auto gamma = m.parameter<0, 0>();
  const auto beta = m.parameter<0, 1>();
  const auto out = m.predict(x);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const auto one = m.predict_one(x[i]);
    for (std::size_t c = 0; c < 3; ++c) {
      const double expected = gamma[c] * (x[i][c] - bn.moving_mean[c]) / std::sqrt(bn.moving_variance[c] + 1e-3) + beta[c];
      CHECK(out[i][c] == Approx(expected).margin(1e-5));
      CHECK(one[c] == Approx(expected).margin(1e-5));
    }
  }
}

TEST_CASE("batch_normalization: gradients match finite differences after dense (rank 1)", "[batch_normalization][gradient]") {
  // BatchNormalization second, so its dL/dx (through the batch statistics) is checked too. The
  // dense before it has no bias, as in Keras practice: a bias there has gradient exactly 0.
  using net = sequential<input<5>, dense<4, ctnn::use_bias<false>>, batch_normalization<>, dense<3, ctnn::tanh>>;
  CHECK(gradient_error<net>(6) < 1e-6);
  // First layer (no dL/dx), a batch of 2.
  CHECK(gradient_error<sequential<input<3>, batch_normalization<>, dense<2>>>(2) < 1e-6);
  // Without beta, without gamma, without both.
  CHECK(gradient_error<sequential<input<5>, dense<4, ctnn::use_bias<false>>, batch_normalization<ctnn::center<false>>,
                                  dense<3, ctnn::tanh>>>(5) < 1e-6);
  CHECK(gradient_error<sequential<input<5>, dense<4, ctnn::use_bias<false>>, batch_normalization<ctnn::scale<false>>,
                                  dense<3, ctnn::tanh>>>(5) < 1e-6);
  CHECK(gradient_error<sequential<input<5>, dense<4, ctnn::use_bias<false>>,
                                  batch_normalization<ctnn::scale<false>, ctnn::center<false>>, dense<3, ctnn::tanh>>>(5) < 1e-6);
}

TEST_CASE("batch_normalization: gradients match finite differences after conv2d (rank 3)", "[batch_normalization][gradient]") {
  using net = sequential<input<6, 6, 2>, ctnn::conv2d<3, ctnn::kernel<3, 3>, ctnn::use_bias<false>>,
                         batch_normalization<>, ctnn::flatten, dense<2>>;
  CHECK(gradient_error<net>(3) < 1e-6);
}

TEST_CASE("batch_normalization: inference-mode gradients treat the moving statistics as constants", "[batch_normalization][gradient]") {
  // The harness runs in training mode, so this checks inference by hand: L = sum w * y.
  constexpr std::size_t n = 4, C = 3;
  using L = bound<batch_normalization<>, ctnn::shape<C>>;
  standalone<L, double> s;
  s.layer.moving_mean = {0.5, -1.0, 2.0};
  s.layer.moving_variance = {2.0, 0.3, 1.0};
  for (std::size_t c = 0; c < C; ++c) {
    s.gamma(c) = 1.0 + 0.3 * double(c);
    s.beta(c) = 0.1 * double(c);
  }
  std::vector<double> x = random_values<double>(n * C, 21, -2, 2);
  const std::vector<double> w = random_values<double>(n * C, 22, -1, 1);
  auto loss = [&] {
    const auto y = s.forward(x, n, ctnn::mode::inference);
    double l = 0;
    for (std::size_t i = 0; i < y.size(); ++i) l += w[i] * y[i];
    return l;
  };
  auto numeric = [&](double& v) {
    const double keep = v, h = 1e-6;
    v = keep + h;
    const double up = loss();
    v = keep - h;
    const double down = loss();
    v = keep;
    return (up - down) / (2 * h);
  };
  std::vector<double> dy = w, dx(n * C), grads(L::parameter_storage, 0.0);
  const auto y = s.forward(x, n, ctnn::mode::inference);
  ctnn::pass_context ctx{ctnn::mode::inference, &s.rng};
  s.layer.backward(ctnn::backward_io<double>{s.params.data(), grads.data(), x.data(), y.data(), dy.data(), dx.data(), n}, ctx);
  for (std::size_t i = 0; i < x.size(); ++i) CHECK(dx[i] == Approx(numeric(x[i])).epsilon(1e-7));
  for (std::size_t c = 0; c < C; ++c) {
    CHECK(grads[L::gamma_offset + c] == Approx(numeric(s.gamma(c))).epsilon(1e-7));
    CHECK(grads[L::beta_offset + c] == Approx(numeric(s.beta(c))).epsilon(1e-7));
  }
}


TEST_CASE("batch_normalization: a model with it trains with fit; predict_one allocates nothing", "[batch_normalization][gaussian_noise]") {
  // y = x0 x1 on inputs far from zero mean and unit scale, which the normalization undoes.
  using net = sequential<input<2>, gaussian_noise<gaussian_noise_stddev{0.01}>, dense<16, ctnn::use_bias<false>>,
                         batch_normalization<>, ctnn::relu, dense<1>>;
  ctnn::model<net, ctnn::loss::mean_squared_error, ctnn::optim::adam> m(ctnn::optim::adam{0.01f});
  m.layer<2>().momentum = 0.9;  // few steps: let the moving statistics catch up for evaluate()
  constexpr std::size_t count = 256;
  ctnn::samples<2> x(count);
  ctnn::samples<1> y(count);
  ctnn::detail::rng r(12);
  for (std::size_t i = 0; i < count; ++i) {
    const double a = r.uniform(-1, 1), b = r.uniform(-1, 1);
    x[i][0] = static_cast<float>(50 + 20 * a);
    x[i][1] = static_cast<float>(-8 + 0.1 * b);
    y[i][0] = static_cast<float>(a * b);
  }
  const double before = m.evaluate(x, y).loss;
  std::ostringstream quiet;
  const auto h = m.fit(x, y, {.epochs = 30, .batch_size = 32, .verbose = 0, .output = &quiet});
  REQUIRE(h.loss.size() == 30);
  CHECK(h.loss.back() < 0.5 * h.loss.front());
  const double after = m.evaluate(x, y).loss;  // inference: moving statistics, no noise
  CHECK(after < 0.5 * before);
  CHECK(after < 0.5 * h.loss.front());

  const std::array<float, 2> one{55.0f, -8.02f};
  const auto first = m.predict_one(one);
  const float value = first[0];
  CHECK(ctnn_test::count_allocations([&] { (void)m.predict_one(one); }) == 0);
  CHECK(m.predict_one(one)[0] == value);  // inference is deterministic: no noise, fixed statistics
}

TEST_CASE("batch_normalization: summary lists the layers", "[batch_normalization]") {
  using net = sequential<input<4>, dense<3>, batch_normalization<>, noise30>;
  std::ostringstream os;
  net::summary(os);
  const std::string s = os.str();
  CHECK(s.find("batch_normalization (batch_normalization)") != std::string::npos);
  CHECK(s.find("gaussian_noise (gaussian_noise)") != std::string::npos);
  CHECK(s.find("Trainable params: 21") != std::string::npos);
  // Keras counts the moving mean and variance as non-trainable parameters: 4 x 3 in the row.
  STATIC_REQUIRE(net::non_trainable_parameter_count == 6);
  STATIC_REQUIRE(net::total_parameter_count == 27);
  CHECK(s.find("(None, 3)                 12\n") != std::string::npos);
  CHECK(s.find("Non-trainable params: 6\n") != std::string::npos);
  CHECK(s.find("Total params: 27\n") != std::string::npos);
}
