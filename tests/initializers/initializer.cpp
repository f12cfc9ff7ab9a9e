#include <catch2/catch.hpp>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <type_traits>
#include <vector>

#include <ctnn/ctnn.hpp>

namespace {
struct moments { double mean, stddev, max_abs; };
moments measure(const std::vector<float>& v) {
  double s = 0, s2 = 0, m = 0;
  for (float x : v) { s += x; s2 += double(x) * x; m = std::max(m, std::abs(double(x))); }
  const double mean = s / v.size();
  return {mean, std::sqrt(s2 / v.size() - mean * mean), m};
}
}  // namespace

TEST_CASE("glorot_uniform: U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out))", "[initializer]") {
  std::vector<float> w(200 * 100);
  ctnn::detail::rng r(1);
  ctnn::init::glorot_uniform{}(std::span<float>(w), 200, 100, r);
  const double limit = std::sqrt(6.0 / 300);
  const auto m = measure(w);
  CHECK(m.max_abs <= limit);
  CHECK(m.max_abs > 0.99 * limit);
  CHECK(m.mean == Approx(0).margin(0.01 * limit));
  CHECK(m.stddev == Approx(limit / std::sqrt(3.0)).epsilon(0.02));
}

TEST_CASE("he_normal: truncated normal with standard deviation sqrt(2 / fan_in)", "[initializer]") {
  std::vector<float> w(100000);
  ctnn::detail::rng r(2);
  ctnn::init::he_normal{}(std::span<float>(w), 50, 10, r);
  const double stddev = std::sqrt(2.0 / 50);
  const auto m = measure(w);
  CHECK(m.stddev == Approx(stddev).epsilon(0.02));
  CHECK(m.max_abs <= 2 * stddev / 0.87962566103423978 + 1e-6);  // truncated at two (untruncated) sigmas
}

TEST_CASE("initializers: the same seed gives the same weights, another seed others", "[initializer]") {
  using net = ctnn::sequential<ctnn::input<8>, ctnn::dense<4, ctnn::relu>>;
  using m = ctnn::model<net, ctnn::loss::mean_squared_error, ctnn::optim::sgd>;
  m a({}, {}, {.seed = 5}), b({}, {}, {.seed = 5}), c({}, {}, {.seed = 6});
  CHECK(std::equal(a.parameters().begin(), a.parameters().end(), b.parameters().begin()));
  CHECK_FALSE(std::equal(a.parameters().begin(), a.parameters().end(), c.parameters().begin()));
  // Biases start at zero (Keras' default).
  for (float v : a.parameter<0, 1>()) CHECK(v == 0.0f);
}

namespace {
// Largest |(M^T M - I)_ij| of the orthonormal side of a rows x cols matrix w (its columns when
// rows >= cols, its rows otherwise), in double.
double orthogonality_error(const std::vector<float>& w, std::size_t rows, std::size_t cols) {
  const bool by_columns = rows >= cols;
  const std::size_t k = by_columns ? cols : rows, m = by_columns ? rows : cols;
  auto at = [&](std::size_t vec, std::size_t i) {
    return double(by_columns ? w[i * cols + vec] : w[vec * cols + i]);
  };
  double worst = 0;
  for (std::size_t a = 0; a < k; ++a)
    for (std::size_t b = 0; b < k; ++b) {
      double dot = 0;
      for (std::size_t i = 0; i < m; ++i) dot += at(a, i) * at(b, i);
      worst = std::max(worst, std::abs(dot - (a == b ? 1.0 : 0.0)));
    }
  return worst;
}
}  // namespace

TEST_CASE("orthogonal: orthonormal columns, or rows when there are fewer rows than columns", "[initializer]") {
  // (rows, cols, fan_in): a recurrent kernel (units, 4 units), its transpose, a square one, and a
  // conv2d kernel (3, 3, 4, 8), whose rows are its fan_in, 3 * 3 * 4.
  const std::size_t shapes[][2] = {{16, 64}, {64, 16}, {32, 32}, {36, 8}};
  for (const auto& s : shapes) {
    const std::size_t rows = s[0], cols = s[1], m = std::max(rows, cols);
    std::vector<float> w(rows * cols);
    ctnn::detail::rng r(3);
    ctnn::init::orthogonal{}(std::span<float>(w), rows, 0, r);
    // Storing the values in float rounds each by a relative 2^-24 (FLT_EPSILON / 2): a dot product
    // of two unit vectors, whose |products| sum to at most 1, moves by at most 2 FLT_EPSILON; the
    // double Gram-Schmidt adds a few DBL_EPSILON per term of m.
    const double tol = 2 * double(FLT_EPSILON) + 8 * double(m) * DBL_EPSILON;
    CHECK(orthogonality_error(w, rows, cols) <= tol);
  }
}

TEST_CASE("orthogonal: Q of the normal draws' QR with a positive diagonal, as Keras' sign fix makes it",
          "[initializer]") {
  // Keras draws A of shape (max(rows, cols), min(rows, cols)); for rows >= cols the result is Q
  // itself, and R = Q^T A must be upper triangular with a positive diagonal.
  constexpr std::size_t rows = 12, cols = 5;
  std::vector<float> w(rows * cols);
  ctnn::detail::rng r(8), again(8);
  ctnn::init::orthogonal{}(std::span<float>(w), rows, 0, r);
  std::vector<double> a(rows * cols);
  for (auto& v : a) v = again.normal();
  for (std::size_t i = 0; i < cols; ++i)
    for (std::size_t j = 0; j < cols; ++j) {
      double rij = 0, norm = 0;
      for (std::size_t k = 0; k < rows; ++k) {
        rij += double(w[k * cols + i]) * a[k * cols + j];
        norm += a[k * cols + j] * a[k * cols + j];
      }
      // Each stored q_ki is off by a relative FLT_EPSILON / 2 at most: R_ij moves by at most that
      // times sum_k |q_ki a_kj| <= |a_j| (Cauchy-Schwarz, |q_i| = 1).
      if (i > j) CHECK(std::abs(rij) <= double(FLT_EPSILON) * std::sqrt(norm));
      if (i == j) CHECK(rij > 0.1);
    }
}

TEST_CASE("orthogonal: the default recurrent_initializer of the recurrent layers", "[initializer]") {
  STATIC_REQUIRE(std::is_same_v<ctnn::lstm<4>::options::recurrent_initializer_type, ctnn::init::orthogonal>);
  STATIC_REQUIRE(std::is_same_v<ctnn::gru<4>::options::kernel_initializer_type, ctnn::init::glorot_uniform>);
}
