// GEMM epilogues (kernels/epilogue.hpp), the fused dense backward pass
// (kernels::activate_backward_sum) and multi-threaded GEMM (kernels/parallel.hpp).

// GCC bug 105593 (see kernels/simd.hpp): this file instantiates xsimd::exp out of line, where
// the warning is checked against xsimd's own header, outside ctnn's pragmas. Set before any
// include so that it covers xsimd.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

#include <ctnn/ctnn.hpp>
#include <ctnn/kernels/epilogue.hpp>
#include <ctnn/kernels/gemm.hpp>
#include <ctnn/kernels/matmul.hpp>
#include <ctnn/kernels/parallel.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <sstream>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "support/allocation_counter.hpp"
#include "support/operand.hpp"

namespace {

using ctnn::kernels::gemm;
using ctnn::kernels::matrix_ref;
using ctnn::kernels::transpose;
using ctnn_test::operand;

// Independent scalar definitions, in double.
double reference(ctnn::linear, double z) { return z; }
double reference(ctnn::relu, double z) { return z > 0 ? z : 0; }
double reference(ctnn::sigmoid, double z) { return 1 / (1 + std::exp(-z)); }
double reference(ctnn::tanh, double z) { return std::tanh(z); }
double reference(ctnn::leaky_relu a, double z) { return z > 0 ? z : a.alpha * z; }
double reference(ctnn::elu a, double z) { return z > 0 ? z : a.alpha * (std::exp(z) - 1); }
double reference(ctnn::swish, double z) { return z / (1 + std::exp(-z)); }
double reference(ctnn::gelu, double z) { return 0.5 * z * (1 + std::erf(z / std::sqrt(2.0))); }
double reference(ctnn::selu a, double z) { return z > 0 ? a.scale * z : a.scale * a.alpha * (std::exp(z) - 1); }

double reference_derivative(ctnn::linear, double) { return 1; }
double reference_derivative(ctnn::relu, double y) { return y > 0 ? 1 : 0; }
double reference_derivative(ctnn::sigmoid, double y) { return y * (1 - y); }
double reference_derivative(ctnn::tanh, double y) { return 1 - y * y; }
double reference_derivative(ctnn::leaky_relu a, double y) { return y > 0 ? 1 : a.alpha; }
double reference_derivative(ctnn::elu a, double y) { return y > 0 ? 1 : y + a.alpha; }
double reference_derivative(ctnn::selu a, double y) { return y > 0 ? a.scale : y + a.scale * a.alpha; }
// Of z, for the activations whose derivative reads z (ctnn::backward_reads_z_v).
double reference_derivative(ctnn::swish, double z) {
  const double s = 1 / (1 + std::exp(-z));
  return s * (1 + z * (1 - s));
}
double reference_derivative(ctnn::gelu, double z) {
  return 0.5 * (1 + std::erf(z / std::sqrt(2.0))) + z * std::exp(-z * z / 2) / std::sqrt(2 * std::acos(-1.0));
}

using elementwise = std::tuple<ctnn::linear, ctnn::relu, ctnn::sigmoid, ctnn::tanh, ctnn::leaky_relu, ctnn::elu,
                               ctnn::swish, ctnn::gelu, ctnn::selu>;

class lcg {
 public:
  explicit lcg(std::uint32_t seed) : state_(seed) {}
  float next() {  // [-1, 1)
    state_ = state_ * 1664525u + 1013904223u;
    return static_cast<float>(state_ >> 8) / static_cast<float>(1u << 23) - 1.0f;
  }

 private:
  std::uint32_t state_;
};

std::vector<float> random_values(std::size_t count, lcg& rng, float scale = 1.0f) {
  std::vector<float> v(count);
  for (auto& x : v) x = scale * rng.next();
  return v;
}

struct product {
  std::size_t m, n, k;
  transpose ta = transpose::no, tb = transpose::no;
  bool bias = false, accumulate = false;
  std::size_t pad = 0;
};

std::string describe(const product& p) {
  std::ostringstream os;
  os << "m=" << p.m << " n=" << p.n << " k=" << p.k << " ta=" << (p.ta == transpose::yes)
     << " tb=" << (p.tb == transpose::yes) << " bias=" << p.bias
     << " accumulate=" << p.accumulate << " pad=" << p.pad;
  return os.str();
}

// Random operands for a product; C starts random (read only when accumulating).
struct operands {
  std::size_t lda, ldb, ldc;
  std::vector<float> a, b, bias, c;
  operands(const product& p, std::uint32_t seed) {
    lcg rng(seed);
    const bool at = p.ta == transpose::yes, bt = p.tb == transpose::yes;
    const std::size_t a_rows = at ? p.k : p.m, a_cols = at ? p.m : p.k;
    const std::size_t b_rows = bt ? p.n : p.k, b_cols = bt ? p.k : p.n;
    lda = a_cols + p.pad;
    ldb = b_cols + p.pad;
    ldc = p.n + p.pad;
    // Scaled so that sums of k products land around [-3, 3]: every activation's curved part.
    const float scale = 2.0f / std::sqrt(static_cast<float>(std::max<std::size_t>(p.k, 1)));
    a = random_values(a_rows * lda, rng, scale);
    b = random_values(b_rows * ldb, rng, 2.0f);
    bias = random_values(p.n, rng);
    c = random_values(p.m * ldc, rng);
  }
  template <class E = ctnn::kernels::identity_epilogue>
  std::vector<float> run(const product& p, const E& e = {}) const {
    std::vector<float> out = c;
    gemm(operand(a, p.m, p.k, lda, p.ta), operand(b, p.k, p.n, ldb, p.tb),
         matrix_ref{out.data(), p.m, p.n, ldc},
         {.bias = p.bias ? bias.data() : nullptr, .accumulate = p.accumulate}, e);
    return out;
  }
};

// Shapes that take every path: the unpacked m <= 4 path (register blocks, partial blocks, the
// scalar tail), the packed path (full and edge tiles, one and several K blocks, transposes).
std::vector<product> epilogue_products() {
  std::vector<product> ps;
  for (std::size_t m = 1; m <= 4; ++m)
    for (std::size_t n : {1, 3, 15, 16, 17, 33, 100, 129, 300})
      for (std::size_t k : {1, 7, 300}) ps.push_back({m, n, k});
  for (std::size_t m : {1, 5, 13, 37})
    for (std::size_t n : {1, 17, 33, 100})
      for (std::size_t k : {1, 33, 600})
        for (transpose ta : {transpose::no, transpose::yes})
          for (transpose tb : {transpose::no, transpose::yes}) ps.push_back({m, n, k, ta, tb});
  for (std::size_t i = 0; i < ps.size(); ++i) {
    ps[i].bias = i % 2 == 0;
    ps[i].accumulate = i % 3 == 0;
    ps[i].pad = i % 5 == 0 ? 3 : 0;
  }
  return ps;
}

// Not idempotent and depends on the column: applying it twice, to a partial sum or at the
// wrong column shows.
struct affine_epilogue {
  template <class V> V operator()(V z, std::size_t column) const {
    if constexpr (std::is_arithmetic_v<V>) {
      return V(2) * z + static_cast<V>(column);
    } else {
      alignas(64) float lanes[V::size];
      for (std::size_t i = 0; i < V::size; ++i) lanes[i] = static_cast<float>(column + i);
      return V(2.0f) * z + V::load_aligned(lanes);
    }
  }
};

// Records the largest OpenMP team it ran in (which thread takes which chunk is up to the OS).
struct thread_probe_epilogue {
  std::atomic<int>* largest_team;
  template <class V> V operator()(V z, std::size_t) const {
#ifdef _OPENMP
    int seen = largest_team->load();
    const int team = omp_get_num_threads();
    while (team > seen && !largest_team->compare_exchange_weak(seen, team)) {
    }
#endif
    return z;
  }
};

}  // namespace

TEMPLATE_LIST_TEST_CASE("epilogue: gemm with a fused activation equals bias + activation loops",
                        "[kernels][epilogue]", elementwise) {
  STATIC_REQUIRE(ctnn::elementwise_activation<TestType>);
  STATIC_REQUIRE(ctnn::kernels::epilogue<ctnn::kernels::activation_epilogue<TestType>>);
  const TestType f{};
  int failures = 0;
  std::uint32_t seed = 100;
  for (const product& p : epilogue_products()) {
    const operands o(p, seed++);
    // The plain product is the same kernel, so the sums are the same floats: only the
    // activation's rounding may differ.
    const std::vector<float> z = o.run(p);
    const std::vector<float> y = o.run(p, ctnn::kernels::fused_activation(f));
    for (std::size_t i = 0; i < p.m; ++i) {
      for (std::size_t j = 0; j < p.n; ++j) {
        const double want = reference(f, z[i * o.ldc + j]);
        const double got = y[i * o.ldc + j];
        if (!(std::abs(got - want) <= 4e-7 * std::abs(want) + 2e-7) && ++failures <= 3)
          FAIL_CHECK(describe(p) << ": C[" << i << "][" << j << "] = " << got << ", expected "
                                 << want << " = f(" << z[i * o.ldc + j] << ")");
      }
      for (std::size_t j = p.n; j < o.ldc; ++j)
        if (y[i * o.ldc + j] != o.c[i * o.ldc + j] && ++failures <= 3)
          FAIL_CHECK(describe(p) << ": padding of C row " << i << " was written");
    }
  }
  CHECK(failures == 0);
}

TEST_CASE("epilogue: applied exactly once, after the last K block, with the right column",
          "[kernels][epilogue]") {
  std::vector<product> ps = epilogue_products();
  // Several K blocks and the column split of the threaded path (m * n * k >= 2^20).
  ps.push_back({6, 70, 1000, transpose::no, transpose::no, true, true, 1});
  ps.push_back({150, 300, 600, transpose::yes, transpose::no, true, false, 0});
  ps.push_back({300, 150, 600, transpose::no, transpose::yes, false, true, 2});
  int failures = 0;
  std::uint32_t seed = 7000;
  for (std::size_t threads : {1, 2, 3}) {
    const ctnn::kernels::thread_limit limit(threads);
    for (const product& p : ps) {
      const operands o(p, seed++);
      const std::vector<float> z = o.run(p);
      const std::vector<float> y = o.run(p, affine_epilogue{});
      for (std::size_t i = 0; i < p.m; ++i)
        for (std::size_t j = 0; j < p.n; ++j) {
          const float want = 2.0f * z[i * o.ldc + j] + static_cast<float>(j);
          if (y[i * o.ldc + j] != want && ++failures <= 3)
            FAIL_CHECK(describe(p) << " threads=" << threads << ": C[" << i << "][" << j
                                   << "] = " << y[i * o.ldc + j] << ", expected " << want);
        }
    }
  }
  CHECK(failures == 0);
}

TEST_CASE("epilogue: with k == 0 it applies to the bias or the old C", "[kernels][epilogue]") {
  const float bias[] = {-1.0f, 2.0f, -3.0f};
  std::vector<float> c(6, 9.0f);
  gemm(matrix_ref<const float>{nullptr, 2, 0}, matrix_ref<const float>{nullptr, 0, 3},
       matrix_ref{c.data(), 2, 3}, {.bias = bias}, ctnn::kernels::fused_activation(ctnn::relu{}));
  CHECK(c == std::vector<float>{0, 2, 0, 0, 2, 0});
}

TEST_CASE("epilogue: the m <= 4 path with an activation performs no heap allocation",
          "[kernels][epilogue][realtime]") {
  lcg rng(3);
  const std::vector<float> a = random_values(4 * 784, rng), b = random_values(784 * 128, rng),
                           bias = random_values(128, rng);
  std::vector<float> c(4 * 128);
  const auto e = ctnn::kernels::fused_activation(ctnn::sigmoid{});
  for (std::size_t m = 1; m <= 4; ++m)
    CHECK(ctnn_test::count_allocations([&] {
            gemm(matrix_ref{a.data(), m, 784}, matrix_ref{b.data(), 784, 128},
                 matrix_ref{c.data(), m, 128}, {.bias = bias.data()}, e);
          }) == 0);
}

TEST_CASE("epilogue: matmul's double reference loop applies the same epilogue",
          "[kernels][epilogue]") {
  // [1 -2; 3 4] * [1 0; 0 1] + [0.5 -10] -> relu -> [1.5 0; 3.5 0]
  const double a[] = {1, -2, 3, 4}, b[] = {1, 0, 0, 1}, bias[] = {0.5, -10};
  double c[4];
  ctnn::kernels::matmul(matrix_ref{a, 2, 2}, matrix_ref{b, 2, 2}, matrix_ref{c, 2, 2},
                        {.bias = bias}, ctnn::kernels::fused_activation(ctnn::relu{}));
  CHECK(std::vector<double>(c, c + 4) == std::vector<double>{1.5, 0, 3.5, 0});
}

TEMPLATE_LIST_TEST_CASE("activate_backward_sum: dz = dy f'(y) (or f'(z)) and db = column sums, one pass",
                        "[kernels][epilogue]", elementwise) {
  const TestType f{};
  for (std::size_t width : {1, 7, 16, 33, 512})
    for (std::size_t rows : {1, 5}) {
      lcg rng(static_cast<std::uint32_t>(width * 10 + rows));
      // y = f(z), or z itself for an activation whose derivative reads z.
      std::vector<float> y(rows * width), dy = random_values(rows * width, rng);
      for (auto& v : y) {
        const double z = 3.0 * rng.next();
        v = static_cast<float>(ctnn::backward_reads_z_v<TestType> ? z : reference(f, z));
      }
      for (bool preactivation : {false, true})
        for (bool with_db : {true, false}) {
          std::vector<float> dz = dy, db(width, -99.0f);
          ctnn::kernels::activate_backward_sum(f, y.data(), dz.data(), rows, width,
                                               with_db ? db.data() : nullptr, preactivation);
          std::vector<double> sums(width, 0.0);
          for (std::size_t r = 0; r < rows; ++r)
            for (std::size_t j = 0; j < width; ++j) {
              const std::size_t i = r * width + j;
              const double want = preactivation ? dy[i] : dy[i] * reference_derivative(f, y[i]);
              CHECK(dz[i] == Approx(want).epsilon(1e-6).margin(1e-7));
              sums[j] += dz[i];
            }
          for (std::size_t j = 0; j < width; ++j)
            CHECK(db[j] == (with_db ? Approx(sums[j]).epsilon(1e-6).margin(1e-6) : Approx(-99)));
        }
    }
}

TEST_CASE("activate_backward_sum: softmax (row-wise) and its fused loss path",
          "[kernels][epilogue]") {
  // Pre-activation gradients pass through; the bias gradient is their column sums.
  std::vector<float> y{0.2f, 0.3f, 0.5f, 0.1f, 0.1f, 0.8f}, dz{1, 2, 3, 4, 5, 6}, db(3);
  ctnn::kernels::activate_backward_sum(ctnn::softmax{}, y.data(), dz.data(), 2, 3, db.data(), true);
  CHECK(dz == std::vector<float>{1, 2, 3, 4, 5, 6});
  CHECK(db == std::vector<float>{5, 7, 9});
  // Otherwise dz = y (dy - sum(dy y)) per row.
  std::vector<float> d{1, 0, 0, 0, 0, 1};
  ctnn::kernels::activate_backward_sum(ctnn::softmax{}, y.data(), d.data(), 2, 3, db.data(), false);
  CHECK(d[0] == Approx(0.2 * (1 - 0.2)));
  CHECK(d[1] == Approx(0.3 * (0 - 0.2)));
  CHECK(d[5] == Approx(0.8 * (1 - 0.8)));
  CHECK(db[0] == Approx(d[0] + d[3]));
}

TEST_CASE("gemm: several threads give the same bits as one", "[kernels][gemm][threads]") {
  const std::vector<product> ps = {
      {128, 512, 784, transpose::no, transpose::no, true, false},    // dense forward: columns
      {784, 512, 128, transpose::yes, transpose::no, false, false},  // dW = x^T dz: rows
      {128, 784, 512, transpose::no, transpose::yes, false, false},  // dx = dz W^T
      {301, 97, 257, transpose::no, transpose::no, true, true, 3},   // edges everywhere
      {97, 301, 600, transpose::yes, transpose::yes, true, true, 1},
      {13, 1000, 300, transpose::no, transpose::no, true, false},    // few row tiles
      {1000, 13, 300, transpose::no, transpose::no, false, true},    // one column panel
      // m_round * k not a multiple of the SIMD width: op(B)'s panels after op(A)'s must still
      // start aligned (a segfault before).
      {128, 512, 33, transpose::no, transpose::no, true, false},
  };
  std::uint32_t seed = 42;
  for (const product& p : ps) {
    const operands o(p, seed++);
    const auto e = ctnn::kernels::fused_activation(ctnn::elu{});
    std::vector<float> one;
    {
      const ctnn::kernels::thread_limit limit(1);
      one = o.run(p, e);
    }
    for (std::size_t threads : {2, 3, 4}) {
      const ctnn::kernels::thread_limit limit(threads);
      const std::vector<float> many = o.run(p, e);
      INFO(describe(p) << " threads=" << threads);
      CHECK(std::memcmp(one.data(), many.data(), one.size() * sizeof(float)) == 0);
    }
  }
}

TEST_CASE("gemm: threads start only when the caller's limit allows", "[kernels][gemm][threads]") {
  CHECK(ctnn::kernels::max_threads() == 1);  // the default: inference stays on one thread
  {
    const ctnn::kernels::thread_limit limit(0);
    CHECK(ctnn::kernels::max_threads() == ctnn::kernels::hardware_threads());
    const ctnn::kernels::thread_limit inner(3);
    CHECK(ctnn::kernels::max_threads() == 3);
  }
  CHECK(ctnn::kernels::max_threads() == 1);

  const product p{256, 512, 300};
  const operands o(p, 5);
  std::atomic<int> largest_team{1};
  (void)o.run(p, thread_probe_epilogue{&largest_team});
  CHECK(largest_team.load() == 1);
#ifdef _OPENMP
  const ctnn::kernels::thread_limit limit(2);
  (void)o.run(p, thread_probe_epilogue{&largest_team});
  CHECK(largest_team.load() == 2);
#endif
}
