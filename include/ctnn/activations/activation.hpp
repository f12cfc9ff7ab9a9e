#pragma once
// The activation policy.
//
// An element-wise activation A (A::elementwise == true) gives y = f(z) and its backward pass as
// functions of one value, written once for every type a kernel holds values in:
//   a.apply_simd(z)        -> f(z)
//   a.backward_simd(y, dy) -> dL/dz = dL/dy * f'(z), written through y = f(z), so the forward
//                             output is all the backward pass needs (no copy of z is kept);
//                             through z itself for the few activations that declare
//                             backward_reads_z (below).
// for V = xsimd::batch<float> and xsimd::batch<double> of any arch, float and double: a function
// template over V, with detail::simd_splat and detail::simd_select (kernels/simd.hpp) for
// constants and branches. These are the activation's only definition of f and f': every
// evaluation calls them -- kernels/activation.hpp's passes over a buffer (whole batches, the rest
// one value at a time), the GEMM epilogue that applies f to a product's sums in registers
// (kernels/epilogue.hpp), the backward pass that fuses f' with the bias gradient. An activation
// holds only hyperparameters, by value.
//
// f' read off z. For most activations f' is a function of y (sigmoid: y (1 - y); elu: y + alpha
// below 0), so y is all a backward pass keeps. Where it is not -- f is not one-to-one, two z give
// one y (swish, gelu: both dip below 0 and come back) -- the activation declares
//   static constexpr bool backward_reads_z = true;
// and its backward_simd(z, dy) takes the pre-activation z in place of y. Every caller asks
// backward_reads_z_v<A> and hands over what it names (kernels::derivative_operand picks it):
// the activation layer hands its input, dense and the convolutions keep z in their workspace
// (kernels/affine.hpp), and the recurrent layers, whose cells keep only their gates' outputs,
// refuse such an activation at compile time (layers/detail/recurrent_layer.hpp). A flag on the
// activation rather than a second signature keeps one form of f' per activation, and costs the
// activations that read y (all the others) nothing: no z is kept for them.
//
// A row-wise activation (softmax, A::elementwise == false) works on the last axis and provides
// forward_rows(z, y, rows, width) and backward_rows(y, dy, dz, rows, width) on raw buffers.
//
// Laws (tests/activations/activation.cpp checks them for every activation):
//   1. apply_simd and backward_simd agree with an independent double reference of f and f', on
//      batches and single values alike (so a value's result does not depend on whether a kernel
//      holds it in a batch or alone, up to float rounding), in float and double.
//   2. backward matches finite differences of the forward pass.
//   3. Evaluating in place (y aliasing z, dz aliasing dy) gives the same result.
//   4. NaN in, NaN out: a NaN input gives a NaN output, on batches and single values.
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <concepts>
#include <cstddef>
#include <string_view>
#include <type_traits>


#include "../kernels/simd.hpp"

namespace ctnn {

template <class A>
concept activation =
    std::default_initializable<A> && std::copyable<A> && requires {
      { A::name } -> std::convertible_to<std::string_view>;
      { A::elementwise } -> std::convertible_to<bool>;
    } &&
    (!A::elementwise ||
     requires(const A& a, xsimd::batch<float> bf, xsimd::batch<double> bd, float f, double d) {
       { a.apply_simd(bf) } -> std::same_as<xsimd::batch<float>>;
       { a.apply_simd(bd) } -> std::same_as<xsimd::batch<double>>;
       { a.apply_simd(f) } -> std::same_as<float>;
       { a.apply_simd(d) } -> std::same_as<double>;
       { a.backward_simd(bf, bf) } -> std::same_as<xsimd::batch<float>>;
       { a.backward_simd(bd, bd) } -> std::same_as<xsimd::batch<double>>;
       { a.backward_simd(f, f) } -> std::same_as<float>;
       { a.backward_simd(d, d) } -> std::same_as<double>;
     }) &&
    (A::elementwise || requires(const A& a, const float* in, float* out, std::size_t k) {
      a.forward_rows(in, out, k, k);
      a.backward_rows(in, in, out, k, k);
    });

// An element-wise activation: what kernels apply value by value, in registers.
template <class A>
concept elementwise_activation = activation<A> && A::elementwise;

// Whether A's backward_simd reads the pre-activation z rather than the output y (see above);
// false unless A declares backward_reads_z = true.
template <class A>
inline constexpr bool backward_reads_z_v = [] {
  if constexpr (requires { A::backward_reads_z; }) return bool{A::backward_reads_z};
  else return false;
}();

}  // namespace ctnn
