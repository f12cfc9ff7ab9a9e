#pragma once
// Small SIMD vocabulary shared by the kernels and the activations' register-level forms
// (apply_simd / backward_simd): the same source works on xsimd batches of any arch and on plain
// float / double values.
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <type_traits>


// GCC 12.2 (Debian 12's compiler) reports the deliberately undefined operand of its own AVX-512
// intrinsics (`__m512 __Y = __Y;`, used by _mm512_roundscale_ps, _mm512_cvttps_epi32, ... inside
// xsimd::exp) as uninitialized once they are inlined into our code (GCC bug 105593), breaking
// -Werror builds with -march=native on AVX-512 machines. The warning is checked against the
// pragmas at each inlining site, so these bracket every definition that inlines xsimd math
// (the activations' *_simd forms, the epilogues, the GEMM). Same as the optimizers' workaround.
#if defined(__GNUC__) && !defined(__clang__)
#define CTNN_DETAIL_SIMD_BEGIN                          \
  _Pragma("GCC diagnostic push")                        \
  _Pragma("GCC diagnostic ignored \"-Wuninitialized\"") \
  _Pragma("GCC diagnostic ignored \"-Wmaybe-uninitialized\"")
#define CTNN_DETAIL_SIMD_END _Pragma("GCC diagnostic pop")
#else
#define CTNN_DETAIL_SIMD_BEGIN
#define CTNN_DETAIL_SIMD_END
#endif

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
