#pragma once
// The one entry point layers use for matrix products. float goes to the register-blocked
// kernel (kernels/gemm.hpp); any other scalar (double, used by the finite-difference gradient
// checks) goes to a plain reference loop that is easy to trust. Both apply the same epilogue
// (kernels/epilogue.hpp) to each finished value, so the gradient checks run the layers' fused
// code paths.
#include <cassert>
#include <cmath>
#include <cstddef>
#include <type_traits>

#include "epilogue.hpp"
#include "gemm.hpp"
#include "gemm_options.hpp"
#include "matrix_ref.hpp"

namespace ctnn::kernels {

// C = e(op(A) op(B) (+ options.bias) (+ the old C if options.accumulate)); see kernels::gemm.
// T is c's scalar: a and b may be given as matrix_ref<T> too.
template <class T, class E = identity_epilogue>
void matmul(matrix_ref<const std::type_identity_t<T>> a,
            matrix_ref<const std::type_identity_t<T>> b, matrix_ref<T> c,
            const gemm_options<T>& options = {}, const E& e = {}) {
  if constexpr (std::is_same_v<T, float>) {
    gemm(a, b, c, options, e);
  } else {
    assert(detail::product_shapes_agree(a, b, c) &&
           "kernels::matmul(a, b, c) requires op(a) m x k, op(b) k x n and c m x n, "
           "not transposed");
    const std::size_t k = a.op_cols();
    for (std::size_t i = 0; i < c.rows; ++i)
      for (std::size_t j = 0; j < c.cols; ++j) {
        T s = options.accumulate ? c(i, j) : T(0);
        if (options.bias) s += options.bias[j];
        // std::fma, not s += x * y: GCC contracts a multiply and an add into an FMA where its
        // optimizer chooses (-ffp-contract=fast, its default), and its choices for one call site
        // are not those for another, so the same value could round differently for a batch of 1
        // and a batch of n. Fused explicitly, every value is the same whatever calls the loop.
        for (std::size_t p = 0; p < k; ++p) s = std::fma(a(i, p), b(p, j), s);
        c(i, j) = e(s, j);
      }
  }
}

}  // namespace ctnn::kernels
