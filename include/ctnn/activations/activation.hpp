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
// A row-wise activation (softmax, A::elementwise == false) works on the last axis and provides
// forward_rows(z, y, rows, width) and backward_rows(y, dy, dz, rows, width) on raw buffers.
//
// Laws (tests/activations/activations.cpp checks them for every activation):
// backward matches finite differences of the forward pass; evaluating in place (y aliasing z,
// dz aliasing dy) gives the same result.
#include <concepts>
#include <cstddef>
#include <string_view>

namespace ctnn {

template <class A>
concept activation = std::default_initializable<A> && std::copyable<A> && requires {
  { A::name } -> std::convertible_to<std::string_view>;
  { A::elementwise } -> std::convertible_to<bool>;
};

}  // namespace ctnn
