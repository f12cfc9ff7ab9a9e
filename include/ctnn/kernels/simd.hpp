#pragma once
// Small SIMD vocabulary shared by the kernels and the activations' one form of f and f'
// (apply_simd / backward_simd): the same source works on xsimd batches of any arch and on plain
// float / double values.
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <type_traits>


// CTNN_DETAIL_SIMD_BEGIN / _END: detail/xsimd.hpp.

namespace ctnn::detail {

// The scalar type of a value: T for xsimd::batch<T, A>, V itself otherwise.
template <class V> struct simd_scalar { using type = V; };
template <class T, class A> struct simd_scalar<xsimd::batch<T, A>> { using type = T; };
template <class V> using simd_scalar_t = typename simd_scalar<V>::type;

// V holding c (broadcast for batches).
template <class V, class C>
V simd_splat(C c) noexcept {
  return V(static_cast<simd_scalar_t<V>>(c));
}

// cond ? a : b, lane by lane for batches (cond a batch_bool). xsimd 8.1 has no scalar select.
template <class V>
V simd_select(bool cond, const V& a, const V& b) noexcept {
  return cond ? a : b;
}
template <class T, class A>
xsimd::batch<T, A> simd_select(const xsimd::batch_bool<T, A>& cond, const xsimd::batch<T, A>& a,
                               const xsimd::batch<T, A>& b) noexcept {
  return xsimd::select(cond, a, b);
}

}  // namespace ctnn::detail
