// Regularizers on dense layers: Keras' penalties (l1 * sum|w|, l2 * sum w^2) are added to the
// reported loss and their gradients (l1 * sign(w), 2 * l2 * w) to the kernel's (and, when asked,
// the bias') gradient, and nothing else changes.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "support/gradient_check.hpp"

namespace {
namespace reg = ctnn::regularizers;

template <class Regularizer>
using regularized_net =
    ctnn::sequential<ctnn::input<6>, ctnn::dense<5, ctnn::tanh, ctnn::kernel_regularizer<Regularizer>>,
                     ctnn::dense<3, ctnn::softmax>>;
using plain_net = ctnn::sequential<ctnn::input<6>, ctnn::dense<5, ctnn::tanh>, ctnn::dense<3, ctnn::softmax>>;

template <class Net>
using model_of = ctnn::model<Net, ctnn::loss::categorical_crossentropy, ctnn::optim::sgd>;

struct batch {
  ctnn::samples<6> x{4};
  ctnn::samples<3> y{4};
  batch() {
    ctnn::detail::rng r(11);
    for (std::size_t s = 0; s < 4; ++s) {
      for (std::size_t i = 0; i < 6; ++i) x.data()[s * 6 + i] = static_cast<float>(r.uniform(-1, 1));
      y.data()[s * 3 + s % 3] = 1;
    }
  }
};

double sum_squares(std::span<const float> w) {
  double s = 0;
  for (float v : w) s += static_cast<double>(v) * v;
  return s;
}
}  // namespace

TEST_CASE("l2 on a dense kernel: the gradient changes by exactly 2 * l2 * w, the loss by l2 * sum w^2",
          "[regularizers]") {
  const batch b;
  model_of<plain_net> plain({}, {}, {.seed = 3});
  model_of<regularized_net<reg::l2>> regularized({}, {}, {.seed = 3});
  STATIC_REQUIRE(regularized_net<reg::l2>::regularized);
  STATIC_REQUIRE_FALSE(plain_net::regularized);
  regularized.layer<0>().kernel_regularizer.l2 = 0.05f;  // a run-time hyperparameter
  REQUIRE(std::vector<float>(plain.parameters().begin(), plain.parameters().end()) ==
          std::vector<float>(regularized.parameters().begin(), regularized.parameters().end()));

  const double loss = plain.compute_gradients(b.x, b.y);
  const double loss_l2 = regularized.compute_gradients(b.x, b.y);
  const auto w = regularized.parameter<0, 0>();
  CHECK(loss_l2 == Approx(loss + 0.05 * sum_squares(w)).epsilon(1e-6));
  CHECK(loss_l2 - loss > 0.01);  // the penalty is not negligible here

  const float a = 2 * 0.05f;
  const auto g = regularized.gradient<0, 0>(), g0 = plain.gradient<0, 0>();
  for (std::size_t i = 0; i < w.size(); ++i) CHECK(g[i] == g0[i] + a * w[i]);
  // The bias and the unregularized layer are untouched.
  for (std::size_t i = 0; i < 5; ++i) CHECK(regularized.gradient<0, 1>()[i] == plain.gradient<0, 1>()[i]);
  for (std::size_t i = 0; i < 15; ++i) CHECK(regularized.gradient<1, 0>()[i] == plain.gradient<1, 0>()[i]);

  // evaluate reports the same regularized loss, as Keras does.
  CHECK(regularized.evaluate(b.x, b.y).loss == Approx(loss_l2).epsilon(1e-6));
}

TEST_CASE("l1 on a dense bias: the gradient changes by l1 * sign(b)", "[regularizers]") {
  using net = ctnn::sequential<ctnn::input<6>,
                               ctnn::dense<5, ctnn::tanh, ctnn::bias_initializer<ctnn::init::glorot_uniform>,
                                           ctnn::bias_regularizer<reg::l1>>,
                               ctnn::dense<3, ctnn::softmax>>;
  using plain = ctnn::sequential<ctnn::input<6>,
                                 ctnn::dense<5, ctnn::tanh, ctnn::bias_initializer<ctnn::init::glorot_uniform>>,
                                 ctnn::dense<3, ctnn::softmax>>;
  const batch b;
  model_of<plain> p({}, {}, {.seed = 5});
  model_of<net> m({}, {}, {.seed = 5});
  const double loss = p.compute_gradients(b.x, b.y), loss_l1 = m.compute_gradients(b.x, b.y);
  const auto bias = m.parameter<0, 1>();
  double abs_sum = 0;
  for (float v : bias) abs_sum += std::abs(v);
  REQUIRE(abs_sum > 0);
  CHECK(loss_l1 == Approx(loss + 0.01 * abs_sum).epsilon(1e-6));
  for (std::size_t i = 0; i < bias.size(); ++i) {
    const float sign = bias[i] > 0 ? 1.0f : (bias[i] < 0 ? -1.0f : 0.0f);
    CHECK(m.gradient<0, 1>()[i] == p.gradient<0, 1>()[i] + 0.01f * sign);
  }
  for (std::size_t i = 0; i < 30; ++i) CHECK(m.gradient<0, 0>()[i] == p.gradient<0, 0>()[i]);
}

TEST_CASE("dense with l1_l2 on kernel and bias: gradients match finite differences", "[regularizers]") {
  using net = ctnn::sequential<ctnn::input<4>,
                               ctnn::dense<3, ctnn::sigmoid, ctnn::kernel_regularizer<reg::l1_l2>,
                                           ctnn::bias_regularizer<reg::l2>>,
                               ctnn::dense<2>>;
  STATIC_REQUIRE(net::regularized);
  ctnn_test::gradient_check<net, ctnn::loss::mean_squared_error> check(3);
  CHECK(check.max_relative_error() < 1e-6);
}
