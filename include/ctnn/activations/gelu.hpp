#pragma once
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <string_view>

#include "activation.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn {

// Keras 3's gelu(x, approximate=Approximate) (Hendrycks and Gimpel, 2016):
//   ctnn::gelu              approximate=False, Keras' default: f(z) = z Phi(z) = z erfc(-z / sqrt 2) / 2
//   ctnn::gelu_approximate  approximate=True, the tanh form:
//                           f(z) = z (1 + tanh(u)) / 2, u = sqrt(2 / pi) (z + 0.044715 z^3)
// Each is evaluated in a form equal to Keras' but exact where Keras' cancels: erfc(-z / sqrt 2) for
// 1 + erf(z / sqrt 2) (as TensorFlow's gelu), and (1 + tanh(u)) / 2 = sigmoid(2u), both of which
// keep their relative precision far below 0, where 1 + erf and 1 + tanh lose every digit.
//
// Approximate is a template parameter, not a run-time member as leaky_relu's alpha: it chooses
// the function, not a coefficient of it. In the type, the network description and fingerprint
// name the form ("gelu", "gelu_approximate"), so weights trained with one never load silently
// into the other; the GEMM epilogue carries no branch on it; and Keras fixes it when the model
// is built too (the string "gelu" always means the exact form).
//
// f' is not a function of y (f dips below 0 and comes back, as swish), so the derivative reads z
// (backward_reads_z, activations/activation.hpp):
//   exact:       f'(z) = Phi(z) + z phi(z) = erfc(-z / sqrt 2) / 2 + z exp(-z^2 / 2) / sqrt(2 pi)
//   approximate: f'(z) = s + 2 z s (1 - s) u'(z), s = sigmoid(2u), u' = sqrt(2 / pi) (1 + 3 0.044715 z^2)
template <bool Approximate>
struct basic_gelu {
  static constexpr std::string_view name = Approximate ? "gelu_approximate" : "gelu";
  static constexpr bool elementwise = true;
  static constexpr bool backward_reads_z = true;
  static constexpr bool approximate = Approximate;

  static constexpr double inv_sqrt2 = 0.70710678118654752440;      // 1 / sqrt 2
  static constexpr double inv_sqrt_2pi = 0.39894228040143267794;   // 1 / sqrt(2 pi)
  static constexpr double sqrt_2_over_pi = 0.79788456080286535588;  // sqrt(2 / pi)
  static constexpr double cubic = 0.044715;

  template <class V> V apply_simd(V z) const {
    if constexpr (Approximate) return z * sigmoid_2u(z);
    else return detail::simd_splat<V>(0.5) * z * xsimd::erfc(-z * detail::simd_splat<V>(inv_sqrt2));
  }
  template <class V> V backward_simd(V z, V dy) const {
    if constexpr (Approximate) {
      const V one = detail::simd_splat<V>(1);
      const V s = sigmoid_2u(z);
      const V du = detail::simd_splat<V>(sqrt_2_over_pi) * (one + detail::simd_splat<V>(3 * cubic) * z * z);
      return dy * (s + detail::simd_splat<V>(2) * z * s * (one - s) * du);
    } else {
      const V cdf = detail::simd_splat<V>(0.5) * xsimd::erfc(-z * detail::simd_splat<V>(inv_sqrt2));
      const V pdf = detail::simd_splat<V>(inv_sqrt_2pi) * xsimd::exp(detail::simd_splat<V>(-0.5) * z * z);
      return dy * (cdf + z * pdf);
    }
  }

 private:
  // sigmoid(2u) = (1 + tanh(u)) / 2 for the tanh form's u.
  template <class V> static V sigmoid_2u(V z) {
    const V one = detail::simd_splat<V>(1);
    const V u = detail::simd_splat<V>(sqrt_2_over_pi) * (z + detail::simd_splat<V>(cubic) * z * z * z);
    return one / (one + xsimd::exp(detail::simd_splat<V>(-2) * u));
  }
};

using gelu = basic_gelu<false>;
using gelu_approximate = basic_gelu<true>;

}  // namespace ctnn
CTNN_DETAIL_SIMD_END
