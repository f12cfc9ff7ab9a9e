#pragma once
// The GEMM's register tile and cache blocks (kernels/gemm.hpp): the sizes every part of it
// agrees on, set by the default arch's vector width and register count (kernels/arch/).
#include "../../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <cstddef>

#include "../arch/isa.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn::kernels::detail {

using gemm_batch = xsimd::batch<float>;

inline constexpr std::size_t simd_width = gemm_batch::size;
// The register budget sets the tile height.
inline constexpr std::size_t vector_registers = vector_registers_v<gemm_batch::arch_type>;

// Micro-tile: MR rows x NR columns of C live in 2 * MR accumulators.
inline constexpr std::size_t gemm_nr = 2 * simd_width;
inline constexpr std::size_t gemm_mr = vector_registers == 32 ? 12 : 6;
// Cache blocks: a KC x NR panel of B stays in L1 (or close: 50 KB with AVX-512), an MC x KC
// block of A in L2, a KC x NC block of B in L3. KC = 400 splits k = 784 (W3, W5) into 2 blocks
// rather than 4: each block boundary stores and reloads C, and W5 ran 2.5 % faster.
inline constexpr std::size_t gemm_kc = 400;
inline constexpr std::size_t gemm_mc = ((144 + gemm_mr - 1) / gemm_mr) * gemm_mr;
inline constexpr std::size_t gemm_nc = 2048;
static_assert(gemm_nc % gemm_nr == 0 && gemm_mr % 3 == 0);

// Of the packing buffers and the tiles on the stack.
inline constexpr std::size_t scratch_alignment = 64;

constexpr std::size_t round_up(std::size_t x, std::size_t multiple) noexcept {
  return (x + multiple - 1) / multiple * multiple;
}

}  // namespace ctnn::kernels::detail
CTNN_DETAIL_SIMD_END
