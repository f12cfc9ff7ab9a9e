#pragma once
// Applies a generic element-wise function over equally long arrays in one pass: xsimd batches
// where they fit, the scalar overload of the same function for the rest, so the vector and
// scalar paths cannot drift apart.
#include "xsimd.hpp"  // first: see detail/xsimd.hpp
#include "finite.hpp"  // is_finite, all_of: what optimizers commit with
#include <cstddef>
#include <type_traits>


namespace ctnn::detail {

// out[i] = f(in[i]...) over n values of T (float or double), f generic over xsimd::batch<T> and
// T: whole batches from the first value of out on a batch boundary (aligned stores), single
// values before it and after the last whole batch. That is also the split xtensor's assignment
// makes, so the activations gave the same bits when they moved from xtensor expressions to it.
// out may alias an input.
template <class T, class F, class... In>
void simd_transform(std::size_t n, T* out, F&& f, const In*... in) {
  using batch = xsimd::batch<T>;
  constexpr std::size_t w = batch::size;
  const std::size_t head = xsimd::get_alignment_offset(out, n, w);
  std::size_t i = 0;
  for (; i < head; ++i) out[i] = f(in[i]...);
  for (; i + w <= n; i += w) f(batch::load_unaligned(in + i)...).store_aligned(out + i);
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

// One array's part of an element-wise update's commit: where to store, the new value, the old.
template <class V>
struct slot {
  slot(float* p, const V& value, const V& old) : p(p), value(value), old(old) {}
  float* p;
  V value, old;
};

// An element-wise update's commit: every slot stores its new value where `keep` holds and keeps
// its old one elsewhere; returns whether keep held everywhere. Optimizers call it with keep =
// "every new value of this element is finite", so no non-finite value ever reaches the
// parameters or the state. The common case, all lanes kept, is a plain store.
template <class M, class... V>
bool commit(const M& keep, const slot<V>&... slots) {
  if (all_of(keep)) [[likely]] {
    (ctnn::detail::store(slots.p, slots.value), ...);
    return true;
  }
  if constexpr (std::is_arithmetic_v<M>) {
    return false;  // a scalar lane kept back keeps all of its old values: nothing to store
  } else {
    (xsimd::select(keep, slots.value, slots.old).store_unaligned(slots.p), ...);
    return false;
  }
}

}  // namespace ctnn::detail
