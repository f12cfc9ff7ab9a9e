#pragma once
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <string_view>

#include "activation.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn {

// f(z) = tanh(z); f'(z) = 1 - y^2.
struct tanh {
  static constexpr std::string_view name = "tanh";
  static constexpr bool elementwise = true;
  template <class V> V apply_simd(V z) const { return xsimd::tanh(z); }
  template <class V> V backward_simd(V y, V dy) const { return dy * (detail::simd_splat<V>(1) - y * y); }
};

}  // namespace ctnn
CTNN_DETAIL_SIMD_END
