#pragma once
// The one entry point layers use for matrix products. float goes to the register-blocked
// kernel (kernels/gemm.hpp); any other scalar (double, used by the finite-difference gradient
// checks) goes to a plain reference loop that is easy to trust. Both apply the same epilogue
// (kernels/epilogue.hpp) to each finished value, so the gradient checks run the layers' fused
// code paths.
#include <cstddef>
#include <type_traits>

#include "epilogue.hpp"
#include "gemm.hpp"

namespace ctnn::kernels {

// C[m x n] = e(op(A) op(B) (+ bias) (+ the old C if accumulate)); see kernels::gemm.
template <class T, class E = identity_epilogue>
void matmul(std::size_t m, std::size_t n, std::size_t k, const T* a, std::size_t lda, transpose ta,
            const T* b, std::size_t ldb, transpose tb, T* c, std::size_t ldc, const T* bias,
            bool accumulate, const E& e = {}) {
  if constexpr (std::is_same_v<T, float>) {
    gemm(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, bias, accumulate, e);
  } else {
    for (std::size_t i = 0; i < m; ++i)
      for (std::size_t j = 0; j < n; ++j) {
        T s = accumulate ? c[i * ldc + j] : T(0);
        if (bias) s += bias[j];
        for (std::size_t p = 0; p < k; ++p) {
          const T x = ta == transpose::yes ? a[p * lda + i] : a[i * lda + p];
          const T y = tb == transpose::yes ? b[j * ldb + p] : b[p * ldb + j];
          s += x * y;
        }
        c[i * ldc + j] = e(s, j);
      }
  }
}

}  // namespace ctnn::kernels
