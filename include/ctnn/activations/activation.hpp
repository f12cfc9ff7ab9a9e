#pragma once
// The activation policy.
//
// An element-wise activation A (A::elementwise == true) describes y = f(z) and its backward pass
// as xtensor expressions; kernels/activation.hpp evaluates them in one vectorized pass:
//   a(z)          -> expression of f(z)
//   a.backward(y, dy) -> expression of dL/dz = dL/dy * f'(z), written through y = f(z), so the
//                    forward output is all the backward pass needs (no copy of z is kept).
// The returned expressions hold tensor operands by reference (the caller's buffers outlive the
// assignment) and hyperparameters and constants by value.
//
// An element-wise activation may also give the same two functions on single values, for
// kernels that hold the values in registers (the GEMM epilogue, the fused dense backward pass):
//   a.apply_simd(z)        -> f(z)
//   a.backward_simd(y, dy) -> dL/dz
// for V = xsimd::batch<float> (any arch), float and double. Without them (simd_activation is
// false) a dense layer falls back to a separate pass over the xtensor expressions.
//
// A row-wise activation (softmax, A::elementwise == false) works on the last axis and provides
// forward_rows(z, y, rows, width) and backward_rows(y, dy, dz, rows, width) on raw buffers.
//
// Laws (tests/activations/activations.cpp checks them for every activation):
// backward matches finite differences of the forward pass; evaluating in place (y aliasing z,
// dz aliasing dy) gives the same result. tests/kernels/epilogue.cpp: the *_simd forms agree
// with the expressions to float rounding.
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <concepts>
#include <cstddef>
#include <string_view>
#include <type_traits>


#include "../kernels/simd.hpp"

namespace ctnn {

template <class A>
concept activation = std::default_initializable<A> && std::copyable<A> && requires {
  { A::name } -> std::convertible_to<std::string_view>;
  { A::elementwise } -> std::convertible_to<bool>;
};

// An element-wise activation with the register-level forms apply_simd / backward_simd.
template <class A>
concept simd_activation =
    activation<A> && A::elementwise &&
    requires(const A& a, xsimd::batch<float> b, float f, double d) {
      { a.apply_simd(b) } -> std::same_as<xsimd::batch<float>>;
      { a.apply_simd(f) } -> std::same_as<float>;
      { a.apply_simd(d) } -> std::same_as<double>;
      { a.backward_simd(b, b) } -> std::same_as<xsimd::batch<float>>;
      { a.backward_simd(f, f) } -> std::same_as<float>;
      { a.backward_simd(d, d) } -> std::same_as<double>;
    };

}  // namespace ctnn
