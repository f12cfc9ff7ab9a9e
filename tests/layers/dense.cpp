#include <catch2/catch.hpp>

#include <ctnn/ctnn.hpp>

#include "support/gradient_check.hpp"

namespace {
using ctnn::dense;
using ctnn::input;
using ctnn::sequential;
}  // namespace

TEST_CASE("dense: shapes and parameter counts are compile-time constants", "[dense]") {
  using net = sequential<input<784>, dense<512, ctnn::relu>, dense<10, ctnn::softmax>>;
  STATIC_REQUIRE(std::is_same_v<net::output_shape, ctnn::shape<10>>);
  STATIC_REQUIRE(net::parameter_counts[0] == 784 * 512 + 512);
  STATIC_REQUIRE(net::parameter_counts[1] == 512 * 10 + 10);
  using no_bias = sequential<input<3>, dense<2, ctnn::use_bias<false>>>;
  STATIC_REQUIRE(no_bias::parameter_count == 6);
  // Options in any order, as keyword arguments.
  using a = dense<4, ctnn::kernel_initializer<ctnn::init::he_normal>, ctnn::relu>;
  using b = dense<4, ctnn::relu, ctnn::kernel_initializer<ctnn::init::he_normal>>;
  STATIC_REQUIRE(std::is_same_v<a::options::activation_type, b::options::activation_type>);
  STATIC_REQUIRE(std::is_same_v<a::options::kernel_initializer_type, ctnn::init::he_normal>);
  STATIC_REQUIRE(std::is_same_v<dense<4>::options::activation_type, ctnn::linear>);
  STATIC_REQUIRE(std::is_same_v<dense<4>::options::kernel_initializer_type, ctnn::init::glorot_uniform>);
}

TEST_CASE("dense: forward matches values computed by hand", "[dense]") {
  using net = sequential<input<3>, dense<2, ctnn::relu>>;
  ctnn::model<net, ctnn::loss::mean_squared_error, ctnn::optim::sgd> m;
  // W is (in, units) as Keras stores it.
  const float w[] = {1, 2, 3, 4, 5, 6};
  std::copy(std::begin(w), std::end(w), m.parameter<0, 0>().begin());
  m.parameter<0, 1>()[0] = 0.5f;
  m.parameter<0, 1>()[1] = -20.0f;
  const std::array<float, 3> x{1, -1, 2};
  const auto y = m.predict_one(x);
  // z0 = 1*1 - 1*3 + 2*5 + 0.5 = 8.5; z1 = 1*2 - 1*4 + 2*6 - 20 = -10 -> relu 0
  CHECK(y[0] == Approx(8.5f));
  CHECK(y[1] == 0.0f);
}

TEST_CASE("dense: batched forward equals a plain loop", "[dense]") {
  using net = sequential<input<37>, dense<19, ctnn::tanh>>;
  ctnn::model<net, ctnn::loss::mean_squared_error, ctnn::optim::sgd> m;
  ctnn::samples<37> x(9);
  ctnn::detail::rng r(3);
  for (auto& v : x.values()) v = static_cast<float>(r.uniform(-1, 1));
  const auto y = m.predict(x);
  const auto w = m.parameter<0, 0>();
  const auto b = m.parameter<0, 1>();
  for (std::size_t s = 0; s < x.size(); ++s)
    for (std::size_t j = 0; j < 19; ++j) {
      double z = b[j];
      for (std::size_t i = 0; i < 37; ++i) z += double(x[s][i]) * w[i * 19 + j];
      CHECK(y[s][j] == Approx(std::tanh(z)).margin(1e-5));
    }
}

TEST_CASE("dense: gradients match finite differences (double precision)", "[dense][gradient]") {
  // The leading ctnn::linear layer makes dense the second layer, so its dL/dx is used too.
  using net = sequential<input<5>, ctnn::linear, dense<4, ctnn::tanh>, dense<3, ctnn::sigmoid>,
                         dense<2>>;
  ctnn_test::gradient_check<net, ctnn::loss::mean_squared_error> check(6);
  ctnn::detail::rng r(11);
  for (auto& v : check.labels()) v = r.uniform(-1, 1);
  CHECK(check.max_relative_error() < 1e-6);
}

TEST_CASE("dense: gradients without a bias match finite differences", "[dense][gradient]") {
  using net = sequential<input<4>, dense<3, ctnn::elu, ctnn::use_bias<false>>, dense<2>>;
  ctnn_test::gradient_check<net, ctnn::loss::mean_squared_error> check(3);
  ctnn::detail::rng r(5);
  for (auto& v : check.labels()) v = r.uniform(-1, 1);
  CHECK(check.max_relative_error() < 1e-6);
}

TEST_CASE("dense on a sequence: Keras' Dense on the last axis, one row of units per step", "[dense]") {
  // (steps, features) = (5, 4) -> (5, 3): the same kernel (4, 3) applied to each step.
  using net = sequential<input<5, 4>, dense<3, ctnn::tanh>>;
  STATIC_REQUIRE(std::is_same_v<net::output_shape, ctnn::shape<5, 3>>);
  STATIC_REQUIRE(net::parameter_count == 4 * 3 + 3);
  ctnn::model<net, ctnn::loss::mean_squared_error, ctnn::optim::sgd> m;
  ctnn::samples<5, 4> x(3);
  ctnn::detail::rng r(5);
  for (auto& v : x.values()) v = static_cast<float>(r.uniform(-1, 1));
  const auto y = m.predict(x);
  const auto w = m.parameter<0, 0>();
  const auto b = m.parameter<0, 1>();
  // Each value: a sum of 4 products and the bias, rounded in float; tanh' <= 1.
  for (std::size_t s = 0; s < x.size(); ++s)
    for (std::size_t t = 0; t < 5; ++t)
      for (std::size_t j = 0; j < 3; ++j) {
        double z = b[j];
        for (std::size_t i = 0; i < 4; ++i) z += double(x[s][t * 4 + i]) * w[i * 3 + j];
        CHECK(y[s][t * 3 + j] == Approx(std::tanh(z)).margin(1e-6));
      }
}

TEST_CASE("dense on a sequence: gradients match finite differences, softmax per step", "[dense][gradient]") {
  using net = sequential<input<3, 4>, dense<5, ctnn::tanh>, dense<2, ctnn::softmax>, ctnn::flatten, dense<2>>;
  ctnn_test::gradient_check<net, ctnn::loss::mean_squared_error> check(4);
  CHECK(check.max_relative_error() < 1e-6);
}
