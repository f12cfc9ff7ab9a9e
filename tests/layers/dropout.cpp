#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "support/layer_test.hpp"

namespace {
using ctnn::dropout;
using ctnn::dropout_rate;
using ctnn::flatten;
using ctnn::input;
using ctnn::sequential;

using ctnn_test::bound;

// ctnn::dropout<0.3f> where the compiler takes a floating literal for a class-type template
// argument (GCC 12); clang 14 does not, so the tests spell the portable form.
using drop30 = dropout<dropout_rate{0.3}>;

template <class Network>
double gradient_error(std::size_t n) { return ctnn_test::gradient_error<Network>(n, 7, 17); }

struct dropout_run {
  std::vector<float> y, mask;
};
template <class L>
dropout_run run_dropout(const std::vector<float>& x, std::size_t n, ctnn::mode phase, std::uint64_t seed) {
  L layer;
  ctnn::detail::rng r(seed);
  ctnn::pass_context ctx{phase, &r};
  dropout_run out{std::vector<float>(x.size(), -1.0f), std::vector<float>(x.size(), -1.0f)};
  layer.forward(ctnn::forward_io<float>{nullptr, x.data(), out.y.data(), n, out.mask.data()}, ctx);
  return out;
}

}  // namespace

TEST_CASE("dropout: the rate is a compile-time constant, checked where the network is composed", "[dropout]") {
  STATIC_REQUIRE(drop30::rate == 0.3);
  STATIC_REQUIRE(dropout<dropout_rate{0.5}>::rate == 0.5);
  STATIC_REQUIRE(std::is_same_v<dropout<dropout_rate{0.5f}>, dropout<dropout_rate{0.5}>>);
#if __cpp_nontype_template_args >= 201911L
  // The spelling of the issue, where the compiler supports it.
  STATIC_REQUIRE(std::is_same_v<dropout<0.5f>, dropout<dropout_rate{0.5}>>);
  STATIC_REQUIRE(std::is_same_v<dropout<0.25>, dropout<dropout_rate{0.25f}>>);
#endif
  STATIC_REQUIRE(dropout_rate{0.0}.valid());
  STATIC_REQUIRE(dropout_rate{0.999}.valid());
  STATIC_REQUIRE(!dropout_rate{1.0}.valid());
  STATIC_REQUIRE(!dropout_rate{-0.1}.valid());
  STATIC_REQUIRE(!dropout_rate{1e30}.valid());
  STATIC_REQUIRE(!dropout_rate{std::numeric_limits<double>::quiet_NaN()}.valid());
  STATIC_REQUIRE(ctnn::detail::refuses_with<ctnn::detail::dropout_rate_out_of_range, dropout<dropout_rate{1.0}>,
                                            ctnn::shape<3>>);

  using net = sequential<input<8, 8, 1>, drop30, flatten, dropout<dropout_rate{0}>, ctnn::dense<3>>;
  STATIC_REQUIRE(std::is_same_v<std::tuple_element_t<0, net::layer_types>::output_shape, ctnn::shape<8, 8, 1>>);
  STATIC_REQUIRE(net::parameter_count == 64 * 3 + 3);
  STATIC_REQUIRE(ctnn::layer<std::tuple_element_t<0, net::layer_types>>);
}

TEST_CASE("dropout: identity in inference", "[dropout]") {
  using L = bound<drop30, ctnn::shape<10, 7>>;
  std::vector<float> x(3 * 70);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = float(i) - 50.0f;
  CHECK(run_dropout<L>(x, 3, ctnn::mode::inference, 1).y == x);

  // Through a model: predict and evaluate are deterministic and equal the network without it.
  using with = sequential<input<6>, ctnn::dense<5, ctnn::tanh>, dropout<dropout_rate{0.5}>, ctnn::dense<2>>;
  using without = sequential<input<6>, ctnn::dense<5, ctnn::tanh>, ctnn::dense<2>>;
  ctnn::model<with, ctnn::loss::mean_squared_error, ctnn::optim::sgd> a;
  ctnn::model<without, ctnn::loss::mean_squared_error, ctnn::optim::sgd> b;
  ctnn::samples<6> xs(4);
  ctnn::detail::rng r(2);
  for (auto& v : xs.values()) v = float(r.uniform(-1, 1));
  const auto pa = a.predict(xs), pb = b.predict(xs);  // same seed, same initial weights
  for (std::size_t i = 0; i < 4 * 2; ++i) CHECK(pa.values()[i] == pb.values()[i]);
}

TEST_CASE("dropout: in training about Rate of the values are zeroed and E[y] = x", "[dropout]") {
  using L = bound<drop30, ctnn::shape<1000>>;
  const std::size_t n = 100;
  const std::vector<float> x(n * 1000, 2.0f);
  const auto run = run_dropout<L>(x, n, ctnn::mode::training, 5);
  std::size_t zeros = 0;
  double sum = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (run.y[i] == 0.0f) {
      ++zeros;
      CHECK(run.mask[i] == 0.0f);
    } else {
      // Kept values are scaled by 1 / (1 - rate), as Keras.
      CHECK(run.y[i] == Approx(2.0 / 0.7).epsilon(1e-6));
    }
    sum += run.y[i];
  }
  // 100,000 Bernoulli(0.3) draws: standard deviation of the fraction ~0.0015.
  CHECK(double(zeros) / double(x.size()) == Approx(0.3).margin(0.01));
  CHECK(sum / double(x.size()) == Approx(2.0).epsilon(0.02));

  // The generator's seed decides the mask; the same seed reproduces it.
  CHECK(run_dropout<L>(x, n, ctnn::mode::training, 5).y == run.y);
  CHECK(run_dropout<L>(x, n, ctnn::mode::training, 6).y != run.y);
  // Rate 0 is the identity even in training.
  const std::vector<float> two(x.begin(), x.begin() + 2000);
  CHECK(run_dropout<bound<dropout<dropout_rate{0}>, ctnn::shape<1000>>>(two, 2, ctnn::mode::training, 5).y == two);
}

TEST_CASE("dropout: backward applies forward's mask", "[dropout]") {
  using L = bound<dropout<dropout_rate{0.5}>, ctnn::shape<50>>;
  const std::vector<float> x(100, 1.0f);
  auto run = run_dropout<L>(x, 2, ctnn::mode::training, 9);
  L layer;
  ctnn::detail::rng r(0);
  ctnn::pass_context ctx{ctnn::mode::training, &r};
  std::vector<float> dy(100, 3.0f), dx(100);
  layer.backward(ctnn::backward_io<float>{nullptr, nullptr, x.data(), run.y.data(), dy.data(), dx.data(), 2, false,
                                          run.mask.data()},
                 ctx);
  for (std::size_t i = 0; i < dx.size(); ++i) CHECK(dx[i] == 3.0f * run.y[i]);  // y = x * mask, x = 1
}

TEST_CASE("dropout: a network with dropout trains and its training run reproduces", "[dropout]") {
  using net = sequential<input<4, 4, 1>, ctnn::conv2d<4, ctnn::kernel<3>, ctnn::relu, ctnn::padding::same>,
                         ctnn::max_pool2d<>, flatten, dropout<dropout_rate{0.25}>, ctnn::dense<2, ctnn::softmax>>;
  using m = ctnn::model<net, ctnn::loss::categorical_crossentropy, ctnn::optim::adam>;
  // Class 1 when the top half is brighter than the bottom half.
  ctnn::samples<4, 4, 1> x(256);
  ctnn::samples<2> y(256);
  ctnn::detail::rng r(21);
  for (std::size_t i = 0; i < x.size(); ++i) {
    double top = 0, bottom = 0;
    for (std::size_t p = 0; p < 16; ++p) {
      x[i][p] = float(r.uniform(0, 1));
      (p < 8 ? top : bottom) += x[i][p];
    }
    y[i][top > bottom ? 1 : 0] = 1;
  }
  auto train = [&](std::uint64_t seed) {
    m model({.learning_rate = 1e-2f}, {}, {.seed = seed});
    const auto h = model.fit(x, y, {.epochs = 20, .batch_size = 16, .verbose = 0});
    const auto e = model.evaluate(x, y);  // inference: dropout off
    return std::tuple{h, e.accuracy, std::vector<float>(model.parameters().begin(), model.parameters().end())};
  };
  const auto [h, accuracy, params] = train(3);
  CHECK(h.loss.back() < 0.6 * h.loss.front());
  CHECK(accuracy > 0.85);
  CHECK(std::get<2>(train(3)) == params);
  CHECK(std::get<2>(train(4)) != params);
}
TEST_CASE("flatten and dropout: gradients match finite differences (double precision)", "[flatten][dropout][gradient]") {
  SECTION("conv2d -> dropout -> flatten -> dense") {
    using net = sequential<input<4, 3, 2>, ctnn::conv2d<3, ctnn::kernel<2>, ctnn::tanh>, dropout<dropout_rate{0.5}>,
                           flatten, ctnn::dense<3>>;
    CHECK(gradient_error<net>(3) < 1e-6);
  }
  SECTION("dense -> dropout -> dense") {
    using net = sequential<input<6>, ctnn::dense<8, ctnn::tanh>, drop30, ctnn::dense<3, ctnn::sigmoid>>;
    CHECK(gradient_error<net>(4) < 1e-6);
  }
  SECTION("flatten between two parameterised layers") {
    using net = sequential<input<3, 3, 2>, ctnn::conv2d<2, ctnn::kernel<2>, ctnn::elu>, flatten, ctnn::dense<2>>;
    CHECK(gradient_error<net>(2) < 1e-6);
  }
}

