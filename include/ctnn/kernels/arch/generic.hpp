#pragma once
// The per-arch pieces of the GEMM, generic forms: what every xsimd arch gets unless a file of
// kernels/arch/ has a more specific overload for its tag (the most derived tag wins, as in
// xsimd's own kernels; kernels/arch/isa.hpp lists the files and calls them). Each takes the arch
// tag as its last argument.
#include "../../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <cstddef>
#include <utility>

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn::kernels::detail {

// The register budget that sets the GEMM's tile height: 16, as SSE and AVX have.
constexpr std::size_t vector_register_count(const xsimd::generic&) noexcept { return 16; }

// x * y + z in one rounding.
template <class A>
inline xsimd::batch<float, A> fmadd(const xsimd::batch<float, A>& x,
                                    const xsimd::batch<float, A>& y,
                                    const xsimd::batch<float, A>& z,
                                    const xsimd::generic&) noexcept {
  return xsimd::fma(x, y, z);
}

// Asks the compiler to hold x in a register (kernels/arch/x86.hpp); nothing here.
template <class A>
inline void keep_in_register(xsimd::batch<float, A>& x, const xsimd::generic&) noexcept {
  (void)x;
}

// dst[p * Width + r] = rows[r][p] for p in [first, kc), r < Width: the columns a register
// transpose left over, or all of them.
// A fold over the source rows with contiguous stores: written as nested loops with a strided
// store, clang 14 turns it into AVX-512 scatters (the whole GEMM at n = 10 ran 40 % slower).
// (The loop starts at 0 over rows shifted by first: counting from first, GCC 12 warns that an
// iteration past 2^62 would overflow dst.)
template <std::size_t... R>
inline void interleave_scalar(std::index_sequence<R...>, std::size_t first, std::size_t kc,
                              const float* const* rows, float* dst) noexcept {
  if (first >= kc) return;
  const float* const from[] = {(rows[R] + first)...};
  const std::size_t count = kc - first;
  dst += first * sizeof...(R);
  for (std::size_t p = 0; p < count; ++p, dst += sizeof...(R)) ((dst[R] = from[R][p]), ...);
}

// One value at a time.
template <std::size_t Width>
inline void interleave_rows(std::size_t kc, const float* const* rows, float* dst,
                            const xsimd::generic&) noexcept {
  interleave_scalar(std::make_index_sequence<Width>{}, 0, kc, rows, dst);
}

}  // namespace ctnn::kernels::detail
CTNN_DETAIL_SIMD_END
