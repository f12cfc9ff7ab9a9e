#pragma once
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <string_view>

#include "activation.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn {

// Keras' selu (Klambauer et al., 2017): f(z) = scale z for z > 0, scale alpha (exp(z) - 1)
// otherwise, with alpha and scale as TensorFlow, JAX and PyTorch define them (Keras' docstring
// prints them rounded, 1.67326324 and 1.05070098; in float both spellings are the same numbers).
// exp(z) - 1 is evaluated as expm1(z), as JAX's backend does: no cancellation near 0.
// With scale alpha > 0, y > 0 exactly when z > 0, and f'(z) = scale there, scale alpha exp(z) =
// y + scale alpha below: the derivative is read off y. No hyperparameters (Keras has none).
struct selu {
  static constexpr std::string_view name = "selu";
  static constexpr bool elementwise = true;
  static constexpr double alpha = 1.6732632423543772848170429916717;
  static constexpr double scale = 1.0507009873554804934193349852946;
  template <class V> V apply_simd(V z) const {
    return detail::simd_select(z > detail::simd_splat<V>(0), detail::simd_splat<V>(scale) * z,
                               detail::simd_splat<V>(scale * alpha) * xsimd::expm1(z));
  }
  template <class V> V backward_simd(V y, V dy) const {
    return detail::simd_select(y > detail::simd_splat<V>(0), detail::simd_splat<V>(scale) * dy,
                               dy * (y + detail::simd_splat<V>(scale * alpha)));
  }
};

}  // namespace ctnn
CTNN_DETAIL_SIMD_END
