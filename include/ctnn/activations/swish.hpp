#pragma once
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <string_view>

#include "activation.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn {

// f(z) = z sigmoid(z) = z / (1 + exp(-z)): Keras 3's silu, which Keras also exports as swish (one
// function; its name, and so ours, is "silu"). f'(z) = s (1 + z (1 - s)) with s = sigmoid(z) is
// not a function of y: f falls to about -0.278 at z = -1.278 and rises back to 0, so two z share
// each negative y. The derivative therefore reads z (backward_reads_z, activations/activation.hpp).
// NaN propagates; f(-inf) is NaN, as Keras' -inf * sigmoid(-inf) = -inf * 0.
struct swish {
  static constexpr std::string_view name = "silu";
  static constexpr bool elementwise = true;
  static constexpr bool backward_reads_z = true;
  template <class V> V apply_simd(V z) const {
    return z / (detail::simd_splat<V>(1) + xsimd::exp(-z));
  }
  template <class V> V backward_simd(V z, V dy) const {
    const V one = detail::simd_splat<V>(1);
    const V s = one / (one + xsimd::exp(-z));
    return dy * s * (one + z * (one - s));
  }
};

// Keras 3's name for the same function.
using silu = swish;

}  // namespace ctnn
CTNN_DETAIL_SIMD_END
