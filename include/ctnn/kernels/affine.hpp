#pragma once
// The product every layer with a kernel computes -- dense over its rows, conv2d over its im2col
// columns -- and its weight gradient, with what is fused into them. x is m x k (row-major), W
// k x n, y m x n.
//   affine_forward:  y = f(x W + b), the bias and an element-wise f applied to the sums in
//     registers (fused_activation), a row-wise f (softmax) in a pass after. With a preactivation
//     buffer (a fused loss wants the logits, or the layer keeps z for its activation's
//     derivative) z = x W + b is kept there and f applied after.
//   affine_backward: dz = dy f'(z) (in place, or dy as it is when it already is dL/dz), read
//     off v = y, or z for an activation whose derivative reads z (kernels::derivative_operand:
//     a layer with such an activation keeps z: keeps_preactivation in kernel_and_bias), and
//     db = column sums of dz in one pass, then dW = x^T dz; every value of dW is reported to the
//     pass's gradient_guard as the product stores it, and db after its pass (a null guard: an
//     unchecked pass). dL/dx is the layer's own business (dense: dz W^T; conv2d: col2im of it).
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <algorithm>
#include <cstddef>

#include "../core/gradient_guard.hpp"
#include "activation.hpp"
#include "epilogue.hpp"
#include "matmul.hpp"
#include "matrix_ref.hpp"

namespace ctnn::kernels {

template <class T, class A>
void affine_forward(std::size_t m, std::size_t n, std::size_t k, const T* x, const T* w, const T* bias, T* y,
                    const A& activation, T* preactivation = nullptr) {
  if constexpr (backward_reads_z_v<A>) {
    // An activation whose derivative reads z: z to where the layer keeps it (or to y), then f in
    // a pass over the rows, the same way with or without a place for z, so that forward and
    // step give the same values.
    T* const z = preactivation ? preactivation : y;
    matmul(matrix_ref{x, m, k}, matrix_ref{w, k, n}, matrix_ref{z, m, n}, {.bias = bias});
    activate_into(activation, static_cast<const T*>(z), y, m, n);
    return;
  }
  if (preactivation) {
    matmul(matrix_ref{x, m, k}, matrix_ref{w, k, n}, matrix_ref{y, m, n}, {.bias = bias});
    std::copy(y, y + m * n, preactivation);
    activate(activation, y, m, n);
    return;
  }
  matmul(matrix_ref{x, m, k}, matrix_ref{w, k, n}, matrix_ref{y, m, n}, {.bias = bias},
         fused_activation(activation));
  activate_unfused(activation, y, m, n);
}

template <class T, class A>
void affine_backward(std::size_t m, std::size_t n, std::size_t k, const T* x, const T* v, T* dy, T* dw, T* db,
                     const A& activation, bool dy_is_preactivation, gradient_guard* guard) {
  activate_backward_sum(activation, v, dy, m, n, db, dy_is_preactivation);
  if (db && guard) guard->check(db, n);
  matmul(matrix_ref{x, m, k}.transposed(), matrix_ref{dy, m, n}, matrix_ref{dw, k, n}, {},
         guarded_store_epilogue{guard});
}

}  // namespace ctnn::kernels
