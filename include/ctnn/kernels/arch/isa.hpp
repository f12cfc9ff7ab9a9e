#pragma once
// The GEMM's per-arch pieces, one file per xsimd arch family with a generic fallback, and the
// entry points the GEMM calls: each passes the batch's arch tag (the build's default arch, i.e.
// whatever the -m flags enable), and overload resolution picks the most specific form, as in
// xsimd. An arch gets its own kernel by adding a file here; the GEMM's drivers do not change.
#include "../../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <cstddef>

#include "generic.hpp"
#include "x86.hpp"
#include "avx.hpp"
#include "avx512f.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn::kernels::detail {

// How many vector registers arch A has.
template <class A>
inline constexpr std::size_t vector_registers_v = vector_register_count(A{});

// x * y + z in one rounding.
template <class A>
inline xsimd::batch<float, A> fmadd(const xsimd::batch<float, A>& x,
                                    const xsimd::batch<float, A>& y,
                                    const xsimd::batch<float, A>& z) noexcept {
  return fmadd(x, y, z, A{});
}

// Keeps x in a register where the compiler would rather reload it from memory for each use.
template <class A>
inline void keep_in_register(xsimd::batch<float, A>& x) noexcept {
  keep_in_register(x, A{});
}

// dst[p * Width + r] = rows[r][p] for p < kc, r < Width. The transposing half of GEMM packing
// (op(A) untransposed into MR-row panels, op(B) transposed into NR-column panels); every
// rows[r] must be readable for kc values (rows past the matrix edge point at zeros). AVX-512
// and AVX transpose blocks in registers; other archs, and the columns left over, go one value
// at a time. Packing W5's inputs one value at a time took 5 % of its time.
template <std::size_t Width>
inline void interleave_rows(std::size_t kc, const float* const* rows, float* dst) noexcept {
  interleave_rows<Width>(kc, rows, dst, xsimd::default_arch{});
}

}  // namespace ctnn::kernels::detail
CTNN_DETAIL_SIMD_END
