#pragma once
#include <cmath>
#include <cstddef>
#include <vector>

#include "initializer.hpp"

namespace ctnn::init {

// Keras' Orthogonal (gain 1), the default recurrent_initializer: the tensor, seen as a matrix of
// fan_in rows (the product of every dimension but the last, which is what Keras' fans give for a
// kernel of any rank) and size / fan_in columns, becomes Q of the QR factorization of a standard
// normal matrix of shape (max(rows, cols), min(rows, cols)), the signs of Q's columns fixed so
// that R's diagonal is positive, transposed when rows < cols: orthonormal columns, or rows when
// there are fewer rows than columns.
//
// The factorization is written here rather than taken from a library: ctnn's dependencies
// (xtensor, xsimd) have no QR, and xtensor-blas / LAPACK are not among them. It is modified
// Gram-Schmidt run twice over each column ("twice is enough": the second pass restores the
// orthogonality the first loses to rounding), in double. Gram-Schmidt gives R a positive diagonal
// by construction, so Q is already the sign-fixed factor Keras returns: the QR factorization with
// a positive diagonal is unique, whatever algorithm computes it.
struct orthogonal {
  static constexpr std::string_view name = "orthogonal";
  template <class T>
  void operator()(std::span<T> w, std::size_t fan_in, std::size_t, detail::rng& r) const {
    if (w.empty()) return;
    // A tensor that fan_in does not tile (a bias) is one column, as a vector is.
    const std::size_t rows = fan_in != 0 && w.size() % fan_in == 0 ? fan_in : w.size();
    const std::size_t cols = w.size() / rows;
    const std::size_t m = rows > cols ? rows : cols, n = rows > cols ? cols : rows;
    std::vector<double> a(m * n);  // row-major m x n, as Keras draws it; becomes Q in place
    for (auto& v : a) v = r.normal();
    for (std::size_t j = 0; j < n; ++j) {
      for (int pass = 0; pass < 2; ++pass)
        for (std::size_t i = 0; i < j; ++i) {
          double dot = 0;
          for (std::size_t k = 0; k < m; ++k) dot += a[k * n + i] * a[k * n + j];
          for (std::size_t k = 0; k < m; ++k) a[k * n + j] -= dot * a[k * n + i];
        }
      double norm = 0;
      for (std::size_t k = 0; k < m; ++k) norm += a[k * n + j] * a[k * n + j];
      norm = std::sqrt(norm);
      for (std::size_t k = 0; k < m; ++k) a[k * n + j] /= norm;
    }
    for (std::size_t i = 0; i < rows; ++i)
      for (std::size_t j = 0; j < cols; ++j)
        w[i * cols + j] = static_cast<T>(rows < cols ? a[j * n + i] : a[i * n + j]);
  }
};

}  // namespace ctnn::init

static_assert(ctnn::initializer<ctnn::init::orthogonal>);
