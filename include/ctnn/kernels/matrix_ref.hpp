#pragma once
// kernels::matrix_ref<T>: an operand of kernels::gemm / kernels::matmul. It names a row-major
// matrix in the caller's buffer (it holds the pointer, never the values: the buffer outlives
// the call) and whether the product uses it or its transpose, so that a call reads
//   kernels::matmul(matrix_ref{x, m, k}, matrix_ref{w, n, k}.transposed(), matrix_ref{y, m, n});
// rows, cols and stride describe the matrix as stored; op_rows() / op_cols() and (i, j) describe
// op(M), what the product sees. matrix_ref<const T> for inputs, matrix_ref<T> for the result (a
// matrix_ref<T> converts to a matrix_ref<const T>).
#include <cstddef>
#include <type_traits>

namespace ctnn::kernels {

enum class transpose : bool { no = false, yes = true };

template <class T>
struct matrix_ref {
  T* data;
  std::size_t rows, cols;  // as stored
  std::size_t stride;      // elements from one stored row to the next (the leading dimension)
  transpose op;            // transpose::yes: the product uses the stored matrix's transpose

  // A contiguous rows x cols matrix.
  constexpr matrix_ref(T* data, std::size_t rows, std::size_t cols) noexcept
      : matrix_ref(data, rows, cols, cols) {}
  constexpr matrix_ref(T* data, std::size_t rows, std::size_t cols, std::size_t stride,
                       transpose op = transpose::no) noexcept
      : data(data), rows(rows), cols(cols), stride(stride), op(op) {}
  template <class U>
    requires std::is_convertible_v<U (*)[], T (*)[]>
  constexpr matrix_ref(const matrix_ref<U>& other) noexcept
      : matrix_ref(other.data, other.rows, other.cols, other.stride, other.op) {}

  // The same matrix, the product using its transpose (or, on a transposed one, itself).
  constexpr matrix_ref transposed() const noexcept {
    return {data, rows, cols, stride, op == transpose::yes ? transpose::no : transpose::yes};
  }

  constexpr std::size_t op_rows() const noexcept { return op == transpose::yes ? cols : rows; }
  constexpr std::size_t op_cols() const noexcept { return op == transpose::yes ? rows : cols; }
  // op(M)[i, j].
  constexpr T& operator()(std::size_t i, std::size_t j) const noexcept {
    return op == transpose::yes ? data[j * stride + i] : data[i * stride + j];
  }
};

}  // namespace ctnn::kernels
