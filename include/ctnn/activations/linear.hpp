#pragma once
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <string_view>

#include "activation.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn {

// f(z) = z. Keras' default for Dense.
struct linear {
  static constexpr std::string_view name = "linear";
  static constexpr bool elementwise = true;
  template <class V> V apply_simd(V z) const { return z; }
  template <class V> V backward_simd(V, V dy) const { return dy; }
};

}  // namespace ctnn
CTNN_DETAIL_SIMD_END
