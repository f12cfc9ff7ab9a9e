#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "keras_reference.hpp"
#include "support/gradient_check.hpp"

namespace {

using losses = std::tuple<ctnn::loss::mean_squared_error, ctnn::loss::categorical_crossentropy,
                          ctnn::loss::sparse_categorical_crossentropy, ctnn::loss::binary_crossentropy>;

// Predictions strictly inside (0, 1) and labels of the kind each loss takes.
template <class L>
void make_case(std::vector<double>& p, std::vector<double>& y, std::size_t n, std::size_t w) {
  ctnn::detail::rng r(9);
  p.resize(n * w);
  for (auto& v : p) v = r.uniform(0.05, 0.95);
  if constexpr (std::is_same_v<L, ctnn::loss::sparse_categorical_crossentropy>) {
    y.resize(n);
    for (std::size_t i = 0; i < n; ++i) y[i] = static_cast<double>(i % w);
  } else if constexpr (std::is_same_v<L, ctnn::loss::categorical_crossentropy>) {
    y.assign(n * w, 0.0);
    for (std::size_t i = 0; i < n; ++i) y[i * w + (i * 7) % w] = 1.0;
  } else {
    y.resize(n * w);
    for (auto& v : y) v = r.uniform(0.0, 1.0);
  }
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("loss: gradient matches finite differences of the batch mean (double)", "[loss][gradient]", losses) {
  STATIC_REQUIRE(ctnn::loss_function<TestType>);
  const TestType loss{};
  const std::size_t n = 5, w = 4;
  std::vector<double> p, y, g(n * w);
  make_case<TestType>(p, y, n, w);
  loss.gradient(p.data(), y.data(), g.data(), n, w);
  const double h = 1e-7;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const double keep = p[i];
    p[i] = keep + h;
    const double up = loss.value(p.data(), y.data(), n, w) / n;
    p[i] = keep - h;
    const double down = loss.value(p.data(), y.data(), n, w) / n;
    p[i] = keep;
    CHECK(g[i] == Approx((up - down) / (2 * h)).epsilon(1e-5).margin(1e-9));
  }
}

TEMPLATE_LIST_TEST_CASE("loss: zero at the target", "[loss]", losses) {
  const TestType loss{};
  // One-hot targets predicted exactly (cross-entropies clip at epsilon = 1e-7).
  const std::vector<double> p{0, 1, 0, 1, 0, 0};
  const std::vector<double> y = std::is_same_v<TestType, ctnn::loss::sparse_categorical_crossentropy>
                                    ? std::vector<double>{1, 0}
                                    : p;
  CHECK(loss.value(p.data(), y.data(), 2, 3) == Approx(0).margin(1e-6));
}

TEST_CASE("loss: values computed by hand", "[loss]") {
  const std::vector<double> p{0.1, 0.7, 0.2}, onehot{0, 1, 0}, index{1};
  CHECK(ctnn::loss::categorical_crossentropy{}.value(p.data(), onehot.data(), 1, 3) == Approx(-std::log(0.7)));
  CHECK(ctnn::loss::sparse_categorical_crossentropy{}.value(p.data(), index.data(), 1, 3) == Approx(-std::log(0.7)));
  // MSE: ((0.1)^2 + (0.3)^2 + (0.2)^2) / 3 = 0.14 / 3
  CHECK(ctnn::loss::mean_squared_error{}.value(p.data(), onehot.data(), 1, 3) == Approx(0.14 / 3));
  // BCE: -(log 0.9 + log 0.7 + log 0.8) / 3
  CHECK(ctnn::loss::binary_crossentropy{}.value(p.data(), onehot.data(), 1, 3) ==
        Approx(-(std::log(0.9) + std::log(0.7) + std::log(0.8)) / 3));
}

TEST_CASE("loss: fused softmax + cross-entropy gradients match finite differences", "[loss][gradient]") {
  using net = ctnn::sequential<ctnn::input<5>, ctnn::dense<4, ctnn::tanh>, ctnn::dense<3, ctnn::softmax>>;
  ctnn_test::gradient_check<net, ctnn::loss::categorical_crossentropy> check(6);
  for (std::size_t i = 0; i < 6; ++i) check.labels()[i * 3 + i % 3] = 1.0;
  CHECK(check.max_relative_error(true) < 1e-6);
  CHECK(check.max_relative_error(false) < 1e-6);  // the unfused path agrees
}

TEST_CASE("loss: fused softmax + sparse cross-entropy gradients match finite differences", "[loss][gradient]") {
  using net = ctnn::sequential<ctnn::input<5>, ctnn::dense<3, ctnn::softmax>>;
  ctnn_test::gradient_check<net, ctnn::loss::sparse_categorical_crossentropy> check(6);
  for (std::size_t i = 0; i < 6; ++i) check.labels()[i] = static_cast<double>(i % 3);
  CHECK(check.max_relative_error(true) < 1e-6);
}

TEST_CASE("loss: fused sigmoid + binary cross-entropy gradients match finite differences", "[loss][gradient]") {
  using net = ctnn::sequential<ctnn::input<4>, ctnn::dense<3, ctnn::relu>, ctnn::dense<2, ctnn::sigmoid>>;
  ctnn_test::gradient_check<net, ctnn::loss::binary_crossentropy> check(5);
  for (std::size_t i = 0; i < check.labels().size(); ++i) check.labels()[i] = (i % 3 == 0) ? 1.0 : 0.0;
  CHECK(check.max_relative_error(true) < 1e-6);
  CHECK(check.max_relative_error(false) < 1e-6);
}

TEST_CASE("loss: sparse labels outside the classes are rejected", "[loss]") {
  const std::vector<float> bad{0, 3};
  REQUIRE_THROWS_WITH(ctnn::loss::sparse_categorical_crossentropy{}.validate_labels(bad.data(), 2, 3),
                      Catch::Contains("label 3") && Catch::Contains("sample 1") && Catch::Contains("[0, 3)"));
}

namespace {

// Runs f with each loss type by its Keras name.
template <class F>
void with_loss(const std::string& name, F&& f) {
  if (name == "categorical_crossentropy") f(ctnn::loss::categorical_crossentropy{});
  else if (name == "sparse_categorical_crossentropy") f(ctnn::loss::sparse_categorical_crossentropy{});
  else if (name == "binary_crossentropy") f(ctnn::loss::binary_crossentropy{});
  else FAIL("no loss " << name);
}

}  // namespace

TEST_CASE("loss: values and gradients equal Keras' (keras_reference.py), edge cases included", "[loss][keras]") {
  // Everything here runs in double, so the only differences are roundings of the same formulas:
  // a few units of double's 1.1e-16 in the last place, relative to each value's magnitude.
  for (const auto& c : keras_reference::cases()) {
    INFO(c.name);
    with_loss(c.loss, [&](auto loss) {
      using L = decltype(loss);
      const std::size_t w = c.width;
      const std::size_t n = std::is_same_v<L, ctnn::loss::sparse_categorical_crossentropy> ? c.labels.size()
                                                                                            : c.labels.size() / w;
      std::vector<double> g(n * w);
      double value = 0;
      if (c.fused) {
        std::vector<double> p = c.inputs;  // the activation's output of the logits, by hand
        for (std::size_t r = 0; r < n; ++r) {
          double* row = p.data() + r * w;
          if constexpr (std::is_same_v<L, ctnn::loss::binary_crossentropy>) {
            for (std::size_t j = 0; j < w; ++j) row[j] = 1 / (1 + std::exp(-row[j]));
          } else {
            const double top = *std::max_element(row, row + w);
            double sum = 0;
            for (std::size_t j = 0; j < w; ++j) sum += row[j] = std::exp(row[j] - top);
            for (std::size_t j = 0; j < w; ++j) row[j] /= sum;
          }
        }
        value = loss.preactivation_value(c.inputs.data(), p.data(), c.labels.data(), n, w) / static_cast<double>(n);
        loss.preactivation_gradient(p.data(), c.labels.data(), g.data(), n, w);
      } else {
        value = loss.value(c.inputs.data(), c.labels.data(), n, w) / static_cast<double>(n);
        loss.gradient(c.inputs.data(), c.labels.data(), g.data(), n, w);
      }
      CHECK(value == Approx(c.mean_loss).epsilon(1e-13));
      for (std::size_t i = 0; i < g.size(); ++i) {
        INFO("gradient " << i);
        CHECK(g[i] == Approx(c.gradient[i]).epsilon(1e-12).margin(1e-15));
      }
    });
  }
}

TEST_CASE("loss: a model reports Keras' loss, from the logits where the loss fuses with the activation", "[loss][keras]") {
  // One dense layer with an identity kernel and no bias: its pre-activations are the inputs, so
  // each reference case's inputs (logits or probabilities) go through the model as they are. The
  // model computes in float32: the inputs, and so the loss, are rounded to float (relative error
  // of the loss at most a few float ulps, 1.2e-7 each, times the losses' condition: |log q|'s
  // derivative 1/q is 1e7 at the clipping bound, so clipped cases are compared loosely).
  const auto run = [](const keras_reference::loss_case& c, auto activation, auto loss) {
    using A = decltype(activation);
    using L = decltype(loss);
    using net = ctnn::sequential<ctnn::input<3>, ctnn::dense<3, A, ctnn::use_bias<false>>>;
    ctnn::model<net, L, ctnn::optim::sgd> m;
    auto kernel = m.template parameter<0, 0>();
    for (std::size_t i = 0; i < 9; ++i) kernel[i] = i % 4 == 0 ? 1.0f : 0.0f;
    const std::size_t n = c.inputs.size() / 3;
    typename decltype(m)::input_samples x(n);
    typename decltype(m)::label_samples y(n);
    for (std::size_t i = 0; i < c.inputs.size(); ++i) x.data()[i] = static_cast<float>(c.inputs[i]);
    for (std::size_t i = 0; i < c.labels.size(); ++i) y.data()[i] = static_cast<float>(c.labels[i]);
    return m.evaluate(x, y).loss;
  };
  for (const auto& c : keras_reference::cases()) {
    if (c.width != 3) continue;  // the binary cases: below
    INFO(c.name);
    const std::string name = c.name;
    const double tolerance = name.find("clipped") != std::string::npos ? 1e-4 : 1e-6;
    if (c.loss == std::string("categorical_crossentropy")) {
      const double got = c.fused ? run(c, ctnn::softmax{}, ctnn::loss::categorical_crossentropy{})
                                 : run(c, ctnn::linear{}, ctnn::loss::categorical_crossentropy{});
      CHECK(got == Approx(c.mean_loss).epsilon(tolerance));
    } else {
      const double got = c.fused ? run(c, ctnn::softmax{}, ctnn::loss::sparse_categorical_crossentropy{})
                                 : run(c, ctnn::linear{}, ctnn::loss::sparse_categorical_crossentropy{});
      CHECK(got == Approx(c.mean_loss).epsilon(tolerance));
    }
  }
  // A saturated sigmoid: from the logits, as Keras.
  using net = ctnn::sequential<ctnn::input<2>, ctnn::dense<2, ctnn::sigmoid, ctnn::use_bias<false>>>;
  ctnn::model<net, ctnn::loss::binary_crossentropy, ctnn::optim::sgd> m;
  auto kernel = m.parameter<0, 0>();
  kernel[0] = kernel[3] = 1.0f;
  kernel[1] = kernel[2] = 0.0f;
  // Near 1, not after a sigmoid: clipped at float32's 1 - 1e-7.
  using linear_net = ctnn::sequential<ctnn::input<2>, ctnn::dense<2, ctnn::linear, ctnn::use_bias<false>>>;
  ctnn::model<linear_net, ctnn::loss::binary_crossentropy, ctnn::optim::sgd> linear_model;
  auto linear_kernel = linear_model.parameter<0, 0>();
  linear_kernel[0] = linear_kernel[3] = 1.0f;
  linear_kernel[1] = linear_kernel[2] = 0.0f;
  for (const auto& c : keras_reference::cases()) {
    if (c.loss != std::string("binary_crossentropy")) continue;
    INFO(c.name);
    ctnn::samples<2> x(2), y(2);
    for (std::size_t i = 0; i < 4; ++i) x.data()[i] = static_cast<float>(c.inputs[i]), y.data()[i] = static_cast<float>(c.labels[i]);
    CHECK((c.fused ? m.evaluate(x, y).loss : linear_model.evaluate(x, y).loss) == Approx(c.mean_loss).epsilon(1e-6));
  }
}

namespace {
// Every loss after every output activation it can follow, fused and not: finite differences of
// the value the model reports (from the logits when fused) match the analytic gradients.
template <class Loss, class Activation>
void check_loss_after(std::size_t labels_kind) {
  using net = ctnn::sequential<ctnn::input<4>, ctnn::dense<3, ctnn::tanh>, ctnn::dense<3, Activation>>;
  ctnn_test::gradient_check<net, Loss> check(5);
  auto& y = check.labels();
  ctnn::detail::rng r(labels_kind + 3);
  if constexpr (std::is_same_v<Loss, ctnn::loss::sparse_categorical_crossentropy>) {
    for (std::size_t i = 0; i < y.size(); ++i) y[i] = static_cast<double>(i % 3);
  } else {
    // 0: one-hot; 1: soft labels (rows of probabilities); 2: multi-hot (rows summing to 2)
    for (std::size_t i = 0; i < y.size(); ++i) {
      const std::size_t row = i / 3, j = i % 3;
      y[i] = labels_kind == 0 ? (j == row % 3) : labels_kind == 1 ? r.uniform(0.0, 1.0) : (j != row % 3);
    }
  }
  INFO(Loss::name << " after " << Activation::name << ", labels kind " << labels_kind);
  CHECK(check.max_relative_error(false) < 1e-6);
  if constexpr (ctnn::detail::fused_loss<Loss, Activation>) CHECK(check.max_relative_error(true) < 1e-6);
}
}  // namespace

TEST_CASE("loss: every loss after every output activation, fused or not, matches finite differences", "[loss][gradient]") {
  using namespace ctnn::loss;
  for (std::size_t kind : {0, 1, 2}) {
    check_loss_after<categorical_crossentropy, ctnn::softmax>(kind);
    check_loss_after<categorical_crossentropy, ctnn::sigmoid>(kind);
    check_loss_after<binary_crossentropy, ctnn::sigmoid>(kind);
    check_loss_after<binary_crossentropy, ctnn::softmax>(kind);
    check_loss_after<mean_squared_error, ctnn::linear>(kind);
    check_loss_after<mean_squared_error, ctnn::tanh>(kind);
    check_loss_after<mean_squared_error, ctnn::sigmoid>(kind);
  }
  check_loss_after<sparse_categorical_crossentropy, ctnn::softmax>(0);
  check_loss_after<sparse_categorical_crossentropy, ctnn::sigmoid>(0);
}
