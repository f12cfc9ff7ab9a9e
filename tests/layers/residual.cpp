// ctnn::residual: y = x + body(x), or shortcut(x) + body(x); values by hand, gradients by finite
// differences (the layer laws in tests/core/layer.cpp run the rest), training.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <sstream>
#include <string>
#include <type_traits>

#include <ctnn/ctnn.hpp>

#include "support/gradient_check.hpp"

namespace {
using ctnn::dense;
using ctnn::input;
using ctnn::residual;
using ctnn::sequential;
using ctnn::shortcut;

}  // namespace

TEST_CASE("residual: y = x + body(x), computed by hand", "[residual]") {
  using net = sequential<input<3>, residual<dense<4, ctnn::relu>, dense<3>>>;
  STATIC_REQUIRE(std::is_same_v<net::output_shape, ctnn::shape<3>>);
  STATIC_REQUIRE(net::parameter_count == (3 * 4 + 4) + (4 * 3 + 3));
  ctnn::model<net, ctnn::loss::mean_squared_error, ctnn::optim::sgd> m;
  const auto w1 = m.parameter<0, 0>(), b1 = m.parameter<0, 1>(), w2 = m.parameter<0, 2>(), b2 = m.parameter<0, 3>();
  REQUIRE(w1.size() == 12);
  REQUIRE(w2.size() == 12);
  for (std::size_t i = 0; i < 4; ++i) b1[i] = 0.1f * static_cast<float>(i) - 0.15f;  // some units off
  const float x[3] = {0.5f, -1.0f, 2.0f};
  const auto y = m.predict_one(std::span<const float, 3>(x, 3));
  // In double from the float parameters: each output is a sum of 4 products of sums of 3, and x;
  // float rounding of those sums is a few ulp of values below 10, so 1e-5 bounds it.
  for (std::size_t j = 0; j < 3; ++j) {
    double z = b2[j];
    for (std::size_t k = 0; k < 4; ++k) {
      double h = b1[k];
      for (std::size_t i = 0; i < 3; ++i) h += double(x[i]) * w1[i * 4 + k];
      z += std::max(h, 0.0) * w2[k * 3 + j];
    }
    CHECK(y[j] == Approx(x[j] + z).margin(1e-5));
  }
}

TEST_CASE("residual: a shortcut projects the input when the body changes the shape", "[residual]") {
  using net = sequential<input<3>, residual<dense<2, ctnn::tanh>, shortcut<dense<2>>>>;
  STATIC_REQUIRE(std::is_same_v<net::output_shape, ctnn::shape<2>>);
  ctnn::model<net, ctnn::loss::mean_squared_error, ctnn::optim::sgd> m;
  const auto wb = m.parameter<0, 0>(), bb = m.parameter<0, 1>(), ws = m.parameter<0, 2>(), bs = m.parameter<0, 3>();
  bs[0] = 0.25f;
  bs[1] = -0.5f;
  const float x[3] = {0.3f, 0.7f, -0.2f};
  const auto y = m.predict_one(std::span<const float, 3>(x, 3));
  for (std::size_t j = 0; j < 2; ++j) {
    double body = bb[j], proj = bs[j];
    for (std::size_t i = 0; i < 3; ++i) {
      body += double(x[i]) * wb[i * 2 + j];
      proj += double(x[i]) * ws[i * 2 + j];
    }
    CHECK(y[j] == Approx(std::tanh(body) + proj).margin(1e-6));
  }
}

TEST_CASE("residual: gradients of blocks in a chain match finite differences", "[residual][gradient]") {
  // The first block is the network's first layer (its body's dx is not needed), the second one's
  // dL/dx is the sum of its two paths', trained through the layer before it.
  using net = sequential<input<4>, residual<dense<4, ctnn::tanh>, dense<4>>, dense<3, ctnn::sigmoid>,
                         residual<dense<3, ctnn::tanh>, residual<dense<3, ctnn::elu>>>,
                         residual<dense<2, ctnn::tanh>, shortcut<dense<2>>>, dense<2>>;
  ctnn_test::gradient_check<net, ctnn::loss::mean_squared_error> check(5);
  ctnn::detail::rng r(3);
  for (auto& v : check.labels()) v = r.uniform(-1, 1);
  CHECK(check.max_relative_error() < 1e-6);
  CHECK(check.max_input_relative_error() < 1e-6);
}

TEST_CASE("residual: the summary opens the block, names as the weight file", "[residual]") {
  using net = sequential<input<4>, dense<4>, residual<dense<4, ctnn::relu>, dense<4>>, dense<2>>;
  std::ostringstream os;
  net::summary(os);
  const std::string text = os.str();
  CHECK(text.find(" residual (residual)") != std::string::npos);
  CHECK(text.find("   dense_1 (dense)") != std::string::npos);  // inside the block, indented
  CHECK(text.find("   dense_2 (dense)") != std::string::npos);
  CHECK(text.find(" dense_3 (dense)") != std::string::npos);    // after it, numbered on
  CHECK(text.find("Total params: " + std::to_string(net::parameter_count)) != std::string::npos);
  CHECK(net::parameter_count == (4 * 4 + 4) * 3 + 4 * 2 + 2);
  const std::string description(ctnn::network_description<net>);
  CHECK(description.find(";residual(in=4,out=4,merge=add);path;dense(in=4,out=4,activation=relu,kernel=4x4,bias=4);"
                         "dense(in=4,out=4,activation=linear,kernel=4x4,bias=4);path;end;") != std::string::npos);
}

TEST_CASE("residual: a model with blocks learns a function and trains alike on 1 and 2 threads", "[residual][fit]") {
  using net = sequential<input<2>, dense<16, ctnn::relu>, residual<dense<16, ctnn::relu>, dense<16>>, ctnn::relu,
                         residual<dense<16, ctnn::relu>, dense<16>>, dense<1>>;
  using model_type = ctnn::model<net, ctnn::loss::mean_squared_error, ctnn::optim::adam>;
  ctnn::samples<2> x(256);
  ctnn::samples<1> y(256);
  ctnn::detail::rng r(4);
  for (std::size_t i = 0; i < 256; ++i) {
    x[i][0] = static_cast<float>(r.uniform(-1, 1));
    x[i][1] = static_cast<float>(r.uniform(-1, 1));
    y[i][0] = x[i][0] * x[i][1];
  }
  model_type one({.learning_rate = 0.01f}, {}, {.seed = 2}), two({.learning_rate = 0.01f}, {}, {.seed = 2});
  const double before = one.evaluate(x, y).loss;
  one.fit(x, y, {.epochs = 30, .batch_size = 32, .verbose = 0, .threads = 1});
  two.fit(x, y, {.epochs = 30, .batch_size = 32, .verbose = 0, .threads = 2});
  // x0 x1 has variance 1/9; a network that learned nothing stays near it.
  CHECK(one.evaluate(x, y).loss < 0.1 * before);
  CHECK(std::equal(one.parameters().begin(), one.parameters().end(), two.parameters().begin()));
}
