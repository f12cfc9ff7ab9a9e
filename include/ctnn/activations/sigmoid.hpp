#pragma once
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <string_view>

#include "activation.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn {

// f(z) = 1 / (1 + exp(-z)); f'(z) = y (1 - y).
struct sigmoid {
  static constexpr std::string_view name = "sigmoid";
  static constexpr bool elementwise = true;
  template <class V> V apply_simd(V z) const {
    const V one = detail::simd_splat<V>(1);
    return one / (one + xsimd::exp(-z));
  }
  template <class V> V backward_simd(V y, V dy) const { return dy * y * (detail::simd_splat<V>(1) - y); }
};

}  // namespace ctnn
CTNN_DETAIL_SIMD_END
