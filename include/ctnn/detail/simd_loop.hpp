#pragma once
// Applies a generic element-wise function over equally long float arrays in one pass: full
// xsimd batches first, then the tail with the scalar overload of the same function, so the
// vector and scalar paths cannot drift apart.
#include <cstddef>
#include <type_traits>

#include <xsimd/xsimd.hpp>

namespace ctnn::detail {

// f(batch_or_float...) -> batch_or_float; the result is stored to out.
template <class F, class... In>
void simd_transform(std::size_t n, float* out, F&& f, const In*... in) {
  using batch = xsimd::batch<float>;
  constexpr std::size_t w = batch::size;
  std::size_t i = 0;
  for (; i + w <= n; i += w) f(batch::load_unaligned(in + i)...).store_unaligned(out + i);
  for (; i < n; ++i) out[i] = f(in[i]...);
}

// f(i, width) visits [0, n) in blocks: width == batch size for full blocks, 1 for the tail.
// Use it when one pass updates several arrays (optimizer state).
template <class F>
void simd_for(std::size_t n, F&& f) {
  constexpr std::size_t w = xsimd::batch<float>::size;
  std::size_t i = 0;
  for (; i + w <= n; i += w) f(i, std::integral_constant<std::size_t, w>{});
  for (; i < n; ++i) f(i, std::integral_constant<std::size_t, 1>{});
}

// Loads/stores a batch or a scalar depending on the block width chosen by simd_for.
template <std::size_t W>
auto load(const float* p) {
  if constexpr (W == 1) return *p;
  else return xsimd::batch<float>::load_unaligned(p);
}
template <class V>
void store(float* p, const V& v) {
  if constexpr (std::is_same_v<V, float>) *p = v;
  else v.store_unaligned(p);
}

// Per lane, whether v is finite: v - v is 0 for a finite v and NaN for NaN and the infinities.
// A batch_bool for batches, a bool for scalars.
template <class V>
auto is_finite(const V& v) {
  return (v - v) == V(0.0f);
}
// (For scalars a mask is a bool, or an int after bool & bool.)
template <class M>
bool all_of(const M& mask) {
  if constexpr (std::is_arithmetic_v<M>) return mask != 0;
  else return xsimd::all(mask);
}

// An element-wise update's commit: each lane stores its new value only where `keep` holds, and
// keeps its old one elsewhere; `committed` becomes false once a lane was kept back. Optimizers
// call it with keep = "every new value of this element is finite", so no non-finite value ever
// reaches the parameters or the state.
template <class M, class V>
void store_if(float* p, const M& keep, const V& value, const V& old) {
  if constexpr (std::is_arithmetic_v<M>) *p = keep ? value : old;
  else xsimd::select(keep, value, old).store_unaligned(p);
}

}  // namespace ctnn::detail
