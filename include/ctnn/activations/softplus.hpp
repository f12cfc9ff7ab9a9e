#pragma once
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <string_view>

#include "activation.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn {

// Keras' softplus: f(z) = log(exp(z) + 1), evaluated as max(z, 0) + log1p(exp(-|z|)), which never
// overflows (TensorFlow's and JAX's form). The maximum is a select on z < 0, which keeps NaN (as
// relu). f'(z) = sigmoid(z) = 1 - exp(-y), read off y as -expm1(-y): exact to float rounding
// even where y is tiny (z far below 0), where 1 - exp(-y) would round to 0.
struct softplus {
  static constexpr std::string_view name = "softplus";
  static constexpr bool elementwise = true;
  template <class V> V apply_simd(V z) const {
    const V zero = detail::simd_splat<V>(0);
    return detail::simd_select(z < zero, zero, z) + xsimd::log1p(xsimd::exp(-xsimd::abs(z)));
  }
  template <class V> V backward_simd(V y, V dy) const { return -dy * xsimd::expm1(-y); }
};

}  // namespace ctnn
CTNN_DETAIL_SIMD_END
