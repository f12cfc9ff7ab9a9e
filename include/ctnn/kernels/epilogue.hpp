#pragma once
// GEMM epilogues: what kernels::gemm / kernels::matmul do to each finished value of C while it
// is still in a register, so that a dense layer reads and writes its output once.
//
// An epilogue E is a copyable function object
//   e(z, column) -> the value stored at C[row, column .. column + width)
// called with z = the finished sum (op(A) op(B) + bias + the old C when accumulating) as an
// xsimd::batch<float> of the default arch (width = the batch size) or a float (width 1, the
// edges), and, in matmul's reference loop, a double. `column` is the index in C of z's first
// value. The GEMM calls it exactly once per value, after the last K block: never on a partial
// sum. It may use column (a per-column scale, say) or ignore it (activations).
//
// Operands: an epilogue holds its hyperparameters by value and any per-column data by pointer
// (the caller's buffer outlives the call).
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <concepts>
#include <cstddef>


#include "simd.hpp"

#include "../activations/activation.hpp"
#include "../core/gradient_guard.hpp"
#include "../detail/finite.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn::kernels {

template <class E>
concept epilogue = std::copyable<E> && requires(const E& e, xsimd::batch<float> b, float f,
                                                std::size_t column) {
  { e(b, column) } -> std::same_as<xsimd::batch<float>>;
  { e(f, column) } -> std::same_as<float>;
};

// Stores the sum as it is (the default).
struct identity_epilogue {
  template <class V> V operator()(V z, std::size_t) const noexcept { return z; }
};

// Applies an element-wise activation (its apply_simd) to each finished value.
template <elementwise_activation A>
struct activation_epilogue {
  A activation{};
  template <class V> V operator()(V z, std::size_t) const { return activation.apply_simd(z); }
};

// The epilogue that fuses a's forward pass into the product that feeds it: a itself when it is
// element-wise, identity otherwise (then activate_unfused applies it afterwards).
template <activation A>
auto fused_activation(const A& a) {
  if constexpr (A::elementwise)
    return activation_epilogue<A>{a};
  else
    return identity_epilogue{};
}

// Stores the sum as it is and reports to a gradient_guard any value that is NaN or beyond
// detail::gradient_limit: the NaN guard's check of a weight gradient, made in registers as the
// GEMM stores it (a compare per batch in a product that spends k multiply-adds on each value).
// With a null guard (an unchecked pass) it only stores.
struct guarded_store_epilogue {
  gradient_guard* guard;
  template <class V> V operator()(V z, std::size_t) const noexcept {
    if (!ctnn::detail::all_of(ctnn::detail::within(z, ctnn::detail::gradient_limit)) && guard) guard->flag();
    return z;
  }
};

static_assert(epilogue<identity_epilogue>);
static_assert(epilogue<guarded_store_epilogue>);

}  // namespace ctnn::kernels
CTNN_DETAIL_SIMD_END
