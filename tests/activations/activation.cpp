#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "support/gradient_check.hpp"

namespace {

// Independent scalar definitions of each element-wise activation.
double reference(ctnn::linear, double z) { return z; }
double reference(ctnn::relu, double z) { return z > 0 ? z : 0; }
double reference(ctnn::sigmoid, double z) { return 1 / (1 + std::exp(-z)); }
double reference(ctnn::tanh, double z) { return std::tanh(z); }
double reference(ctnn::leaky_relu a, double z) { return z > 0 ? z : a.alpha * z; }
double reference(ctnn::elu a, double z) { return z > 0 ? z : a.alpha * (std::exp(z) - 1); }
// Keras' definitions, written apart from ctnn's forms: sigmoid(z) = (1 + tanh(z / 2)) / 2; erf and
// tanh, not erfc and sigmoid; log(1 + exp(z)); the clip of z / 6 + 1/2; exp(z) - 1 with the
// constants typed out.
double reference(ctnn::swish, double z) { return z * (1 + std::tanh(z / 2)) / 2; }
double reference(ctnn::gelu, double z) { return 0.5 * z * (1 + std::erf(z / std::sqrt(2.0))); }
double reference(ctnn::gelu_approximate, double z) {
  return 0.5 * z * (1 + std::tanh(std::sqrt(2 / std::acos(-1.0)) * (z + 0.044715 * z * z * z)));
}
double reference(ctnn::softplus, double z) { return std::log(1 + std::exp(z)); }
double reference(ctnn::hard_sigmoid, double z) { return std::clamp(z / 6 + 0.5, 0.0, 1.0); }
double reference(ctnn::selu, double z) {
  return z > 0 ? 1.0507009873554805 * z : 1.0507009873554805 * 1.6732632423543772 * (std::exp(z) - 1);
}

// 37 values: several SIMD batches and a tail; none close to the kinks at 0 (nor hard_sigmoid's
// at -3 and 3: the nearest is 0.05 away, far beyond the differences' step of 1e-6).
template <class T>
std::vector<T> sample_inputs() {
  std::vector<T> z;
  for (int i = 0; i < 37; ++i) z.push_back(static_cast<T>(-3.0 + 6.0 * (i + 0.3) / 37.0));
  return z;
}

using elementwise = std::tuple<ctnn::linear, ctnn::relu, ctnn::sigmoid, ctnn::tanh, ctnn::leaky_relu, ctnn::elu,
                               ctnn::swish, ctnn::gelu, ctnn::gelu_approximate, ctnn::softplus, ctnn::hard_sigmoid,
                               ctnn::selu>;
using all = std::tuple<ctnn::linear, ctnn::relu, ctnn::sigmoid, ctnn::tanh, ctnn::leaky_relu, ctnn::elu, ctnn::swish,
                       ctnn::gelu, ctnn::gelu_approximate, ctnn::softplus, ctnn::hard_sigmoid, ctnn::selu,
                       ctnn::softmax>;

// What backward_simd reads for A: y, or z for an activation whose derivative reads z.
template <class A, class V>
V operand(V z, V y) {
  return ctnn::backward_reads_z_v<A> ? z : y;
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("activation: the vectorized forward pass equals a plain loop", "[activation]", elementwise) {
  STATIC_REQUIRE(ctnn::activation<TestType>);
  const TestType a{};
  auto y = sample_inputs<float>();
  const auto z = y;
  ctnn::kernels::activate(a, y.data(), 1, y.size());
  for (std::size_t i = 0; i < z.size(); ++i) CHECK(y[i] == Approx(reference(a, z[i])).margin(1e-6));
}

TEMPLATE_LIST_TEST_CASE("activation: NaN in, NaN out (as TensorFlow), on both code paths", "[activation][nan]", elementwise) {
  // Lanes 5 (in a SIMD batch) and 36 (the scalar tail) are NaN: they stay NaN and the other
  // lanes are unaffected. The batch and single-value forms are also called directly.
  const TestType a{};
  auto y = sample_inputs<float>();
  y[5] = y[36] = std::numeric_limits<float>::quiet_NaN();
  const auto z = y;
  ctnn::kernels::activate(a, y.data(), 1, y.size());
  for (std::size_t i = 0; i < z.size(); ++i) {
    INFO("lane " << i);
    if (i == 5 || i == 36) CHECK(std::isnan(y[i]));
    else CHECK(y[i] == Approx(reference(a, z[i])).margin(1e-6));
  }
  const float nan_f = std::numeric_limits<float>::quiet_NaN();
  const double nan_d = std::numeric_limits<double>::quiet_NaN();
  CHECK(std::isnan(a.apply_simd(nan_f)));
  CHECK(std::isnan(a.apply_simd(nan_d)));
  CHECK(xsimd::all(xsimd::isnan(a.apply_simd(xsimd::batch<float>(nan_f)))));
  CHECK(xsimd::all(xsimd::isnan(a.apply_simd(xsimd::batch<double>(nan_d)))));
}

TEMPLATE_LIST_TEST_CASE("activation: the one form agrees with a double reference on batches and single values",
                        "[activation]", elementwise) {
  // Each value goes through a batch (float and double, every lane) and alone; f and f' (through
  // y, or z for the activations whose derivative reads z) must match the reference to float
  // rounding whichever way a kernel holds it.
  const TestType a{};
  using bf = xsimd::batch<float>;
  using bd = xsimd::batch<double>;
  const auto z = sample_inputs<double>();
  std::vector<double> dy(z.size());
  for (std::size_t i = 0; i < z.size(); ++i) dy[i] = 0.5 + 0.25 * std::cos(double(i));
  const auto check = [&](std::size_t i, double y, double dz, double tolerance) {
    INFO("z = " << z[i]);
    const double want_y = reference(a, z[i]);
    CHECK(y == Approx(want_y).epsilon(tolerance).margin(tolerance));
    const double h = 1e-6;
    const double derivative = (reference(a, z[i] + h) - reference(a, z[i] - h)) / (2 * h);
    CHECK(dz == Approx(dy[i] * derivative).epsilon(1e-5).margin(tolerance));
  };
  for (std::size_t i = 0; i < z.size(); ++i) {
    const float zf = static_cast<float>(z[i]);
    const float yf = a.apply_simd(zf);
    check(i, yf, a.backward_simd(operand<TestType>(zf, yf), static_cast<float>(dy[i])), 1e-6);
    const double yd = a.apply_simd(z[i]);
    check(i, yd, a.backward_simd(operand<TestType>(z[i], yd), dy[i]), 1e-12);
  }
  for (std::size_t i = 0; i + bf::size <= z.size(); i += bf::size) {
    alignas(64) float zl[bf::size], dl[bf::size], yl[bf::size], dzl[bf::size];
    for (std::size_t j = 0; j < bf::size; ++j) zl[j] = static_cast<float>(z[i + j]), dl[j] = static_cast<float>(dy[i + j]);
    const bf zb = bf::load_aligned(zl);
    const bf yb = a.apply_simd(zb);
    yb.store_aligned(yl);
    a.backward_simd(operand<TestType>(zb, yb), bf::load_aligned(dl)).store_aligned(dzl);
    for (std::size_t j = 0; j < bf::size; ++j) check(i + j, yl[j], dzl[j], 1e-6);
  }
  for (std::size_t i = 0; i + bd::size <= z.size(); i += bd::size) {
    alignas(64) double yl[bd::size], dzl[bd::size];
    const bd zb = bd::load_unaligned(z.data() + i);
    const bd yb = a.apply_simd(zb);
    yb.store_aligned(yl);
    a.backward_simd(operand<TestType>(zb, yb), bd::load_unaligned(dy.data() + i)).store_aligned(dzl);
    for (std::size_t j = 0; j < bd::size; ++j) check(i + j, yl[j], dzl[j], 1e-12);
  }
}

TEST_CASE("softmax: a NaN in a row makes that row NaN", "[activation][nan]") {
  std::vector<float> y(2 * 19, 0.5f);
  y[3] = std::numeric_limits<float>::quiet_NaN();
  ctnn::kernels::activate(ctnn::softmax{}, y.data(), 2, 19);
  for (std::size_t j = 0; j < 19; ++j) {
    CHECK(std::isnan(y[j]));
    CHECK(y[19 + j] == Approx(1.0 / 19));
  }
}

TEMPLATE_LIST_TEST_CASE("activation: backward matches finite differences (double)", "[activation][gradient]", elementwise) {
  const TestType a{};
  const auto z = sample_inputs<double>();
  auto y = z;
  ctnn::kernels::activate(a, y.data(), 1, y.size());
  std::vector<double> d(z.size(), 1.0);
  ctnn::kernels::activate_backward(a, ctnn::kernels::derivative_operand(a, y.data(), z.data()), d.data(), 1, d.size());
  const double h = 1e-6;
  for (std::size_t i = 0; i < z.size(); ++i)
    CHECK(d[i] == Approx((reference(a, z[i] + h) - reference(a, z[i] - h)) / (2 * h)).epsilon(1e-6).margin(1e-8));
}

TEMPLATE_LIST_TEST_CASE("activation: used as a layer, gradients match finite differences", "[activation][gradient]", all) {
  using net = ctnn::sequential<ctnn::input<6>, ctnn::dense<5>, TestType, ctnn::dense<3>>;
  using bound = std::tuple_element_t<1, typename net::layer_types>;
  STATIC_REQUIRE(std::is_same_v<typename bound::output_shape, ctnn::shape<5>>);
  STATIC_REQUIRE(net::parameter_count == 6 * 5 + 5 + 5 * 3 + 3);
  ctnn_test::gradient_check<net, ctnn::loss::mean_squared_error> check(4);
  ctnn::detail::rng r(2);
  for (auto& v : check.labels()) v = r.uniform(-1, 1);
  CHECK(check.max_relative_error() < 1e-6);
}

TEST_CASE("softmax: values computed by hand, rows sum to one, stable for large inputs", "[activation]") {
  std::vector<float> z{1, 2, 3, 1000, 1001, 1002};
  ctnn::kernels::activate(ctnn::softmax{}, z.data(), 2, 3);
  // exp(k) / (e + e^2 + e^3) for k = 1, 2, 3
  CHECK(z[0] == Approx(0.0900306f));
  CHECK(z[1] == Approx(0.2447285f));
  CHECK(z[2] == Approx(0.6652410f));
  CHECK(z[3] == Approx(0.0900306f));  // shifted by the row maximum: no overflow
  CHECK(z[5] == Approx(0.6652410f));
}

TEST_CASE("leaky_relu and elu: run-time hyperparameters", "[activation]") {
  using net = ctnn::sequential<ctnn::input<2>, ctnn::leaky_relu>;
  ctnn::model<net, ctnn::loss::mean_squared_error, ctnn::optim::sgd> m;
  CHECK(m.layer<0>().activation.alpha == 0.3f);  // Keras' LeakyReLU default
  m.layer<0>().activation.alpha = 0.5f;
  const std::array<float, 2> x{-2, 3};
  const auto y = m.predict_one(x);
  CHECK(y[0] == -1.0f);
  CHECK(y[1] == 3.0f);
  CHECK(ctnn::elu{}.alpha == 1.0f);
}
