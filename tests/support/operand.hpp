#pragma once
// A GEMM operand given by the shape the product sees, as the kernel tests loop over
// transpositions: op(M) is rows x cols, M stored with row stride ld (so cols x rows when
// transposed).
#include <ctnn/kernels/matrix_ref.hpp>

#include <cstddef>
#include <vector>

namespace ctnn_test {

inline ctnn::kernels::matrix_ref<const float> operand(const std::vector<float>& v, std::size_t rows,
                                                      std::size_t cols, std::size_t ld,
                                                      ctnn::kernels::transpose t) {
  using ctnn::kernels::matrix_ref;
  return t == ctnn::kernels::transpose::yes ? matrix_ref{v.data(), cols, rows, ld, t}
                                            : matrix_ref{v.data(), rows, cols, ld, t};
}

}  // namespace ctnn_test
