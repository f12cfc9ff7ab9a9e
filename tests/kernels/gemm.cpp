#include <ctnn/kernels/gemm.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "support/operand.hpp"

namespace {

using ctnn::kernels::gemm;
using ctnn::kernels::matrix_ref;
using ctnn::kernels::transpose;
using ctnn_test::operand;

// Fixed LCG (Numerical Recipes constants): values in [-1, 1), same on every platform.
class lcg {
 public:
  explicit lcg(std::uint32_t seed) : state_(seed) {}
  float next() {
    state_ = state_ * 1664525u + 1013904223u;
    return static_cast<float>(state_ >> 8) / static_cast<float>(1u << 23) - 1.0f;
  }

 private:
  std::uint32_t state_;
};

// Marks elements of C that gemm must neither read (when not accumulating) nor write.
constexpr float padding_sentinel = -777.25f;

struct gemm_case {
  std::size_t m, n, k;
  transpose ta, tb;
  bool bias, accumulate;
  std::size_t pad;  // extra elements at the end of every stored row of A, B and C
};

std::string describe(const gemm_case& g) {
  std::ostringstream os;
  os << "m=" << g.m << " n=" << g.n << " k=" << g.k << " ta=" << (g.ta == transpose::yes)
     << " tb=" << (g.tb == transpose::yes) << " bias=" << g.bias << " accumulate=" << g.accumulate
     << " pad=" << g.pad;
  return os.str();
}

// A stored rows x cols matrix with row stride cols + pad; the last row has no padding, so the
// buffer ends exactly where the data does (reads past it show up under ASan).
std::vector<float> random_matrix(std::size_t rows, std::size_t cols, std::size_t ld, lcg& rng) {
  std::vector<float> v(rows == 0 ? 0 : (rows - 1) * ld + cols, padding_sentinel);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) v[r * ld + c] = rng.next();
  return v;
}

// Runs gemm on random data and compares with a double-precision triple loop. Returns the
// number of mismatches (reported through Catch with the first few).
int check_gemm(const gemm_case& g, std::uint32_t seed) {
  lcg rng(seed);
  const auto [m, n, k, ta, tb, with_bias, accumulate, pad] = g;
  const bool at = ta == transpose::yes;
  const bool bt = tb == transpose::yes;

  // Stored shapes: A is m x k (k x m when transposed), B is k x n (n x k when transposed).
  const std::size_t a_rows = at ? k : m, a_cols = at ? m : k;
  const std::size_t b_rows = bt ? n : k, b_cols = bt ? k : n;
  const std::size_t lda = a_cols + pad, ldb = b_cols + pad, ldc = n + pad;
  const std::vector<float> a = random_matrix(a_rows, a_cols, lda, rng);
  const std::vector<float> b = random_matrix(b_rows, b_cols, ldb, rng);
  std::vector<float> bias;
  if (with_bias)
    for (std::size_t j = 0; j < n; ++j) bias.push_back(rng.next());

  // C: random when accumulating, NaN otherwise (gemm must not read it); padding = sentinel.
  std::vector<float> c(m * ldc, padding_sentinel);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j)
      c[i * ldc + j] = accumulate ? rng.next() : std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> c_old = c;

  gemm(operand(a, m, k, lda, ta), operand(b, k, n, ldb, tb), matrix_ref{c.data(), m, n, ldc},
       {.bias = with_bias ? bias.data() : nullptr, .accumulate = accumulate});

  int failures = 0;
  auto fail = [&](const std::string& what) {
    if (++failures <= 3) FAIL_CHECK(describe(g) << ": " << what);
  };
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      double ref = 0.0, magnitude = 0.0;
      for (std::size_t p = 0; p < k; ++p) {
        const double x = a[at ? p * lda + i : i * lda + p];
        const double y = b[bt ? j * ldb + p : p * ldb + j];
        ref += x * y;
        magnitude += std::abs(x * y);
      }
      if (with_bias) {
        ref += bias[j];
        magnitude += std::abs(bias[j]);
      }
      if (accumulate) {
        ref += c_old[i * ldc + j];
        magnitude += std::abs(c_old[i * ldc + j]);
      }
      // 1e-5 of the sum of magnitudes, growing with k (summing k + 2 floats errs by at most
      // ~(k + 2) * 6e-8 of it; a dropped or doubled term is ~1/k of it, far above).
      const double tolerance = 1e-5 * (1.0 + static_cast<double>(k) / 32.0) * magnitude + 1e-30;
      const double got = c[i * ldc + j];
      if (!(std::abs(got - ref) <= tolerance)) {
        std::ostringstream os;
        os << "C[" << i << "][" << j << "] = " << got << ", expected " << ref;
        fail(os.str());
      }
    }
    for (std::size_t j = n; j < ldc; ++j)
      if (c[i * ldc + j] != padding_sentinel)
        fail("padding of C row " + std::to_string(i) + " was written");
  }
  return failures;
}

constexpr transpose both[] = {transpose::no, transpose::yes};

}  // namespace

TEST_CASE("gemm matches a double-precision reference on small shapes", "[kernels][gemm]") {
  // Every combination of transposes, bias, accumulate and padding over odd and even sizes
  // around the SIMD widths and tile sizes (4, 8, 16, 32 columns; 6 or 12 rows).
  constexpr std::size_t sizes[] = {1, 2, 3, 5, 7, 8, 13, 16, 17, 31, 33};
  constexpr std::size_t depths[] = {1, 2, 7, 16, 33};
  int failures = 0;
  std::uint32_t seed = 1;
  for (transpose ta : both)
    for (transpose tb : both)
      for (std::size_t m : sizes)
        for (std::size_t n : sizes)
          for (std::size_t k : depths)
            for (int variant = 0; variant < 4; ++variant) {
              const bool with_bias = (variant & 1) != 0;
              const bool accumulate = (variant & 2) != 0;
              // Padding for half of the cases, cycling through 1..3 elements.
              const std::size_t pad = (seed % 2 == 0) ? 1 + seed % 3 : 0;
              failures += check_gemm({m, n, k, ta, tb, with_bias, accumulate, pad}, seed++);
            }
  CHECK(failures == 0);
}

TEST_CASE("gemm matches a double-precision reference on larger shapes", "[kernels][gemm]") {
  // Crossing the cache blocks: k > KC (256), m > MC (144), n > NC (2048).
  struct shape {
    std::size_t m, n, k;
  };
  constexpr shape shapes[] = {
      {64, 64, 64},  {100, 129, 31}, {129, 100, 257}, {300, 33, 600}, {33, 300, 257},
      {17, 64, 600}, {96, 160, 80},  {7, 2100, 13},   {150, 31, 300}, {6, 100, 1000},
  };
  int failures = 0;
  std::uint32_t seed = 1000;
  std::size_t combo = 0;
  for (transpose ta : both)
    for (transpose tb : both) {
      for (std::size_t s = 0; s < std::size(shapes); ++s) {
        // Across the 4 transpose combinations each shape meets every bias/accumulate
        // variant once.
        const std::size_t variant = (combo + s) % 4;
        const std::size_t pad = (combo + s) % 3 * 2;
        failures += check_gemm({shapes[s].m, shapes[s].n, shapes[s].k, ta, tb, (variant & 1) != 0,
                                (variant & 2) != 0, pad},
                               seed++);
      }
      ++combo;
    }
  CHECK(failures == 0);
}

TEST_CASE("gemm small-m path: any n and k, strides, bias and accumulate", "[kernels][gemm]") {
  // m <= 4 without transposes takes the unpacked path; n not a multiple of the batch width,
  // below it, and spanning several register blocks.
  constexpr std::size_t widths[] = {1, 3, 4, 5, 9, 15, 17, 24, 33, 63, 65, 100, 127, 129, 300};
  constexpr std::size_t depths[] = {1, 5, 257};
  int failures = 0;
  std::uint32_t seed = 5000;
  for (std::size_t m = 1; m <= 4; ++m)
    for (std::size_t n : widths)
      for (std::size_t k : depths)
        for (int variant = 0; variant < 4; ++variant) {
          const bool with_bias = (variant & 1) != 0;
          const bool accumulate = (variant & 2) != 0;
          const std::size_t pad = (variant + n) % 3 == 0 ? 0 : 5;
          failures += check_gemm(
              {m, n, k, transpose::no, transpose::no, with_bias, accumulate, pad}, seed++);
        }
  CHECK(failures == 0);
}

TEST_CASE("gemm with k == 0 gives bias, old C or zeros", "[kernels][gemm]") {
  int failures = 0;
  std::uint32_t seed = 9000;
  for (std::size_t m : {std::size_t{1}, std::size_t{3}, std::size_t{9}})
    for (transpose ta : both)
      for (transpose tb : both)
        for (int variant = 0; variant < 4; ++variant)
          failures +=
              check_gemm({m, 21, 0, ta, tb, (variant & 1) != 0, (variant & 2) != 0, 2}, seed++);
  CHECK(failures == 0);

  // Spelled out: no bias, no accumulate -> exact zeros.
  std::vector<float> c(6, 5.0f);
  gemm(matrix_ref<const float>{nullptr, 2, 0}, matrix_ref<const float>{nullptr, 0, 3},
       matrix_ref{c.data(), 2, 3});
  CHECK(c == std::vector<float>(6, 0.0f));
}

TEST_CASE("gemm with m == 0 or n == 0 touches nothing", "[kernels][gemm]") {
  const std::vector<float> a(12, 1.0f), b(12, 1.0f), bias(4, 1.0f);
  std::vector<float> c(12, padding_sentinel);
  for (transpose ta : both)
    for (transpose tb : both) {
      gemm(operand(a, 0, 3, 3, ta), operand(b, 3, 4, 4, tb), matrix_ref{c.data(), 0, 4, 4},
           {.bias = bias.data(), .accumulate = true});
      gemm(operand(a, 3, 4, 4, ta), operand(b, 4, 0, 4, tb), matrix_ref{c.data(), 3, 0, 4},
           {.bias = bias.data()});
    }
  CHECK(c == std::vector<float>(12, padding_sentinel));
}

TEST_CASE("gemm computes a hand-checked product", "[kernels][gemm]") {
  // [1 2 3; 4 5 6] * [1 0; 0 1; 1 1] + [10 20] = [14 25; 20 31]
  const float a[] = {1, 2, 3, 4, 5, 6};
  const float b[] = {1, 0, 0, 1, 1, 1};
  const float bias[] = {10, 20};
  float c[4] = {};
  gemm(matrix_ref{a, 2, 3}, matrix_ref{b, 3, 2}, matrix_ref{c, 2, 2}, {.bias = bias});
  CHECK(std::vector<float>(c, c + 4) == std::vector<float>{14, 25, 20, 31});

  // Same product from transposed storage, accumulated onto the previous result.
  const float at[] = {1, 4, 2, 5, 3, 6};
  const float bt[] = {1, 0, 1, 0, 1, 1};
  gemm(matrix_ref{at, 3, 2}.transposed(), matrix_ref{bt, 2, 3}.transposed(), matrix_ref{c, 2, 2},
       {.accumulate = true});
  CHECK(std::vector<float>(c, c + 4) == std::vector<float>{18, 30, 30, 42});

  // Through the packed path (m = 9 > 4): row r of A is [1 + r, 2, 3], so C row r = [4 + r, 5].
  std::vector<float> a9, c9(9 * 2);
  for (int r = 0; r < 9; ++r) a9.insert(a9.end(), {1.0f + r, 2.0f, 3.0f});
  gemm(matrix_ref{a9.data(), 9, 3}, matrix_ref{b, 3, 2}, matrix_ref{c9.data(), 9, 2});
  for (int r = 0; r < 9; ++r) {
    CHECK(c9[2 * r] == 4.0f + r);
    CHECK(c9[2 * r + 1] == 5.0f);
  }
}

TEST_CASE("gemm's operands: shapes from the refs, one rule for all three", "[kernels][gemm]") {
  using ctnn::kernels::detail::product_shapes_agree;
  constexpr const float* p = nullptr;
  float* const q = nullptr;
  // op(A) 2 x 3 (stored 3 x 2, transposed), op(B) 3 x 4, C 2 x 4.
  constexpr matrix_ref<const float> at{p, 3, 2, 2, transpose::yes};
  STATIC_REQUIRE(at.op_rows() == 2);
  STATIC_REQUIRE(at.op_cols() == 3);
  STATIC_REQUIRE(at.transposed().op_rows() == 3);
  CHECK(product_shapes_agree(at, matrix_ref{p, 3, 4}, matrix_ref{q, 2, 4}));
  CHECK_FALSE(product_shapes_agree(at, matrix_ref{p, 2, 4}, matrix_ref{q, 2, 4}));         // k
  CHECK_FALSE(product_shapes_agree(at, matrix_ref{p, 3, 4}, matrix_ref{q, 3, 4}));         // m
  CHECK_FALSE(product_shapes_agree(at, matrix_ref{p, 3, 4}, matrix_ref{q, 2, 5}));         // n
  CHECK_FALSE(product_shapes_agree(at, matrix_ref{p, 3, 4}, matrix_ref{q, 4, 2}.transposed()));
  // A contiguous ref's stride is its column count; a mutable ref converts to a const one.
  float c[6] = {};
  const matrix_ref<float> mutable_ref{c, 2, 3};
  const matrix_ref<const float> const_ref = mutable_ref;
  CHECK(const_ref.stride == 3);
  CHECK(&const_ref(1, 2) == &c[5]);
  CHECK(&const_ref.transposed()(2, 1) == &c[5]);
}
