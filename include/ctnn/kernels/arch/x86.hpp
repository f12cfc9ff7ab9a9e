#pragma once
// What the x86 archs (xsimd's sse2, avx and avx512f families) share: holding a batch in a
// register under GCC, and the column store of the packing transposes (kernels/arch/avx.hpp,
// avx512f.hpp).
#include "../../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <algorithm>
#include <cstddef>

#if XSIMD_WITH_SSE2
CTNN_DETAIL_SIMD_BEGIN
namespace ctnn::kernels::detail {

// Makes GCC hold x in a register. With several rows of C, each loaded batch of B feeds several
// FMAs; GCC 12 instead folds the load into every FMA, which runs at the vector-load rate (one
// 512-bit load per cycle here, the small-m path at m = 2..4 ran 1.7-2x slower). Clang keeps
// the register without help.
template <class A>
inline void keep_in_vector_register(xsimd::batch<float, A>& x) noexcept {
#if defined(__GNUC__) && !defined(__clang__)
  typename xsimd::batch<float, A>::register_type r = x;
  asm("" : "+v"(r));
  x = r;
#else
  (void)x;
#endif
}
template <class A>
inline void keep_in_register(xsimd::batch<float, A>& x, const xsimd::sse2&) noexcept {
  keep_in_vector_register(x);
}
template <class A>
inline void keep_in_register(xsimd::batch<float, A>& x, const xsimd::avx&) noexcept {
  keep_in_vector_register(x);
}
template <class A>
inline void keep_in_register(xsimd::batch<float, A>& x, const xsimd::avx512f&) noexcept {
  keep_in_vector_register(x);
}

// Stores column q of a block of Lanes columns (a vector of Lanes floats, the first
// min(Width, Lanes) of them wanted) at out: as a whole vector, whose extra lanes later columns'
// stores overwrite, while it ends inside the block's Lanes * Width floats; through a copy
// otherwise (the block's last columns could run past the buffer).
template <std::size_t Width, std::size_t Lanes, class Store>
inline void store_column(float* out, std::size_t q, Store&& store) noexcept {
  if constexpr (Width >= Lanes) {
    store(out);
  } else if (q * Width + Lanes <= Lanes * Width) {
    store(out);
  } else {
    alignas(64) float lanes[Lanes];
    store(lanes);
    std::copy_n(lanes, Width, out);
  }
}

}  // namespace ctnn::kernels::detail
CTNN_DETAIL_SIMD_END
#endif
