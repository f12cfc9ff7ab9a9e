#pragma once
// kernels::gemm_options<T>: what kernels::gemm / kernels::matmul add to the product before the
// epilogue sees it, named at the call site:
//   kernels::matmul(a, b, c, {.bias = bias, .accumulate = true});
namespace ctnn::kernels {

template <class T = float>
struct gemm_options {
  const T* bias = nullptr;  // bias[n], added to every row of C; the caller's buffer
  bool accumulate = false;  // add to the old C rather than overwrite it (C is read only then)
};

}  // namespace ctnn::kernels
