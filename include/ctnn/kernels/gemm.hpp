#pragma once

// ctnn::kernels::gemm: the single-precision matrix product behind every layer.
//
// Why our own GEMM rather than a library:
// - matrix products written as xtensor expressions reach ~2 % of peak;
// - xtensor-blas allocates on every call, rejects two fixed-shape matrices and clashes with
//   <cblas.h>;
// - OpenBLAS would add a link dependency to a header-only library, and cannot fuse an epilogue
//   (bias, accumulation into the previous C) into the store of the result.
//
// Design (Goto/BLIS): loops over NC x KC x MC blocks, operands packed into contiguous zero-padded
// panels held in a thread_local scratch buffer that only grows, and an MR x NR register-blocked
// micro-kernel (NR = 2 SIMD batches, elements of A broadcast, FMA into 2 * MR accumulators).
// Products with m <= 4 and no transposition (small-batch inference) take an unpacked path that
// keeps rows of C in registers while streaming rows of B, and never touches the heap.
//
// SIMD width is xsimd's default arch, i.e. whatever the -m... flags enable (SSE2 at minimum on
// x86-64); every translation unit must be built with the same flags.

#include <algorithm>
#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

#include <xsimd/xsimd.hpp>

namespace ctnn::kernels {

enum class transpose : bool { no = false, yes = true };

namespace detail {

using gemm_batch = xsimd::batch<float>;

inline constexpr std::size_t simd_width = gemm_batch::size;
// AVX-512 has 32 vector registers, SSE/AVX 16: the register budget sets the tile height.
inline constexpr std::size_t vector_registers = simd_width >= 16 ? 32 : 16;

// Micro-tile: MR rows x NR columns of C live in 2 * MR accumulators.
inline constexpr std::size_t gemm_nr = 2 * simd_width;
inline constexpr std::size_t gemm_mr = vector_registers == 32 ? 12 : 6;
// Cache blocks: a KC x NR panel of B stays in L1, an MC x KC block of A in L2, a KC x NC
// block of B in L3.
inline constexpr std::size_t gemm_kc = 256;
inline constexpr std::size_t gemm_mc = ((144 + gemm_mr - 1) / gemm_mr) * gemm_mr;
inline constexpr std::size_t gemm_nc = 2048;
static_assert(gemm_nc % gemm_nr == 0);

// Rows handled by the unpacked small-m path (gemm() dispatches on m = 1 .. 4).
inline constexpr std::size_t gemm_small_m_max = 4;

inline constexpr std::size_t scratch_alignment = 64;

// x * y + z in one rounding. xsimd 8.1 has no AVX-512 fma kernel: its generic fallback
// x * y + z is contracted by GCC but left as vmulps + vaddps by clang 14 (-20 % throughput).
inline gemm_batch fmadd(const gemm_batch& x, const gemm_batch& y, const gemm_batch& z) noexcept {
#if XSIMD_WITH_AVX512F
  if constexpr (std::is_base_of_v<xsimd::avx512f, gemm_batch::arch_type>)
    return gemm_batch(_mm512_fmadd_ps(x, y, z));
  else
#endif
    return xsimd::fma(x, y, z);
}

// Makes GCC hold x in a register. With several rows of C, each loaded batch of B feeds several
// FMAs; GCC 12 instead folds the load into every FMA, which runs at the vector-load rate (one
// 512-bit load per cycle here, the small-m path at m = 2..4 ran 1.7-2x slower). Clang keeps
// the register without help.
inline void keep_in_register(gemm_batch& x) noexcept {
#if defined(__GNUC__) && !defined(__clang__) && (defined(__x86_64__) || defined(__i386__))
  typename gemm_batch::register_type r = x;
  asm("" : "+v"(r));
  x = r;
#else
  (void)x;
#endif
}

constexpr std::size_t round_up(std::size_t x, std::size_t multiple) noexcept {
  return (x + multiple - 1) / multiple * multiple;
}

// Per-thread packing buffer: grows on demand, never shrinks, so steady-state calls do not
// allocate.
class gemm_scratch {
 public:
  gemm_scratch() = default;
  gemm_scratch(const gemm_scratch&) = delete;
  gemm_scratch& operator=(const gemm_scratch&) = delete;
  ~gemm_scratch() { release(); }

  float* get(std::size_t count) {
    if (count > capacity_) {
      const std::size_t grown = std::max(count, capacity_ + capacity_ / 2);
      release();
      data_ = static_cast<float*>(
          ::operator new(grown * sizeof(float), std::align_val_t{scratch_alignment}));
      capacity_ = grown;
    }
    return data_;
  }

 private:
  void release() noexcept {
    if (data_ != nullptr) {
      ::operator delete(data_, std::align_val_t{scratch_alignment});
      data_ = nullptr;
      capacity_ = 0;
    }
  }

  float* data_ = nullptr;
  std::size_t capacity_ = 0;
};

inline float* gemm_scratch_buffer(std::size_t count) {
  thread_local gemm_scratch scratch;
  return scratch.get(count);
}

// Zeros standing in for the rows of A (columns of B) past the matrix edge while packing.
inline constexpr float pack_zeros[gemm_kc] = {};

// dst[p * Width + r] = rows[r][p] for p < kc (kc <= KC), Width = sizeof...(R): the transposing
// half of packing. A fold over the source rows with contiguous stores: written as nested loops
// with a strided store, clang 14 turns it into AVX-512 scatters (the whole GEMM at n = 10 ran
// 40 % slower).
template <std::size_t... R>
inline void pack_interleaved(std::index_sequence<R...>, std::size_t kc, const float* const* rows,
                             float* dst) noexcept {
  for (std::size_t p = 0; p < kc; ++p, dst += sizeof...(R)) ((dst[R] = rows[R][p]), ...);
}

// Packs op(A)[i0 .. i0+mc, p0 .. p0+kc] into panels of MR rows: panel r holds
// dst[r*MR*kc + p*MR + i] = op(A)[i0 + r*MR + i, p0 + p], rows past mc zero.
inline void pack_a(std::size_t mc, std::size_t kc, const float* a, std::size_t lda, transpose ta,
                   std::size_t i0, std::size_t p0, float* dst) noexcept {
  for (std::size_t ir = 0; ir < mc; ir += gemm_mr) {
    const std::size_t mr = std::min(gemm_mr, mc - ir);
    float* const panel = dst + ir * kc;
    if (ta == transpose::no) {
      // op(A)[i, p] = a[i*lda + p]: rows of the panel come from MR rows of a.
      const float* rows[gemm_mr];
      for (std::size_t i = 0; i < gemm_mr; ++i)
        rows[i] = i < mr ? a + (i0 + ir + i) * lda + p0 : pack_zeros;
      pack_interleaved(std::make_index_sequence<gemm_mr>{}, kc, rows, panel);
    } else {
      // op(A)[i, p] = a[p*lda + i]: each packed row is a contiguous piece of a stored row.
      for (std::size_t p = 0; p < kc; ++p) {
        const float* const src = a + (p0 + p) * lda + i0 + ir;
        float* const out = panel + p * gemm_mr;
        std::size_t i = 0;
        for (; i < mr; ++i) out[i] = src[i];
        for (; i < gemm_mr; ++i) out[i] = 0.0f;
      }
    }
  }
}

// Packs op(B)[p0 .. p0+kc, j0 .. j0+nc] into panels of NR columns: panel s holds
// dst[s*NR*kc + p*NR + j] = op(B)[p0 + p, j0 + s*NR + j], columns past nc zero.
inline void pack_b(std::size_t kc, std::size_t nc, const float* b, std::size_t ldb, transpose tb,
                   std::size_t p0, std::size_t j0, float* dst) noexcept {
  for (std::size_t jr = 0; jr < nc; jr += gemm_nr) {
    const std::size_t nr = std::min(gemm_nr, nc - jr);
    float* const panel = dst + jr * kc;
    if (tb == transpose::no) {
      // op(B)[p, j] = b[p*ldb + j]: each packed row is a contiguous piece of a stored row.
      for (std::size_t p = 0; p < kc; ++p) {
        const float* const src = b + (p0 + p) * ldb + j0 + jr;
        float* const out = panel + p * gemm_nr;
        if (nr == gemm_nr) {
          gemm_batch::load_unaligned(src).store_aligned(out);
          gemm_batch::load_unaligned(src + simd_width).store_aligned(out + simd_width);
        } else {
          std::size_t j = 0;
          for (; j < nr; ++j) out[j] = src[j];
          for (; j < gemm_nr; ++j) out[j] = 0.0f;
        }
      }
    } else {
      // op(B)[p, j] = b[j*ldb + p]: columns of the panel come from NR rows of b.
      const float* rows[gemm_nr];
      for (std::size_t j = 0; j < gemm_nr; ++j)
        rows[j] = j < nr ? b + (j0 + jr + j) * ldb + p0 : pack_zeros;
      pack_interleaved(std::make_index_sequence<gemm_nr>{}, kc, rows, panel);
    }
  }
}

// C[rows x NR] (=|+=) packed A panel * packed B panel (+ bias[0 .. NR) when bias != nullptr),
// rows <= MR; C is read only when load_c. Written with folds over I = 0 .. MR-1 rather than
// loops or lambdas so that both compilers keep the 2 * MR accumulators in registers (clang 14
// does not inline a per-row lambda and then spills every accumulator).
template <std::size_t... I>
inline void micro_kernel_rows(std::index_sequence<I...>, std::size_t kc, const float* pa,
                              const float* pb, float* c, std::size_t ldc, const float* bias,
                              bool load_c, std::size_t rows) noexcept {
  gemm_batch acc0[sizeof...(I)];
  gemm_batch acc1[sizeof...(I)];
  ((acc0[I] = gemm_batch(0.0f), acc1[I] = gemm_batch(0.0f)), ...);
  for (std::size_t p = 0; p < kc; ++p) {
    const gemm_batch b0 = gemm_batch::load_aligned(pb);
    const gemm_batch b1 = gemm_batch::load_aligned(pb + simd_width);
    ((acc0[I] = fmadd(gemm_batch(pa[I]), b0, acc0[I]),
      acc1[I] = fmadd(gemm_batch(pa[I]), b1, acc1[I])),
     ...);
    pa += gemm_mr;
    pb += gemm_nr;
  }
  if (bias != nullptr) {
    const gemm_batch bias0 = gemm_batch::load_unaligned(bias);
    const gemm_batch bias1 = gemm_batch::load_unaligned(bias + simd_width);
    ((acc0[I] += bias0, acc1[I] += bias1), ...);
  }
  if (load_c) {
    ((I < rows ? void((acc0[I] += gemm_batch::load_unaligned(c + I * ldc),
                       acc1[I] += gemm_batch::load_unaligned(c + I * ldc + simd_width)))
               : void()),
     ...);
  }
  ((I < rows ? void((acc0[I].store_unaligned(c + I * ldc),
                     acc1[I].store_unaligned(c + I * ldc + simd_width)))
             : void()),
   ...);
}

inline void micro_kernel(std::size_t kc, const float* pa, const float* pb, float* c,
                         std::size_t ldc, const float* bias, bool load_c,
                         std::size_t rows = gemm_mr) noexcept {
  micro_kernel_rows(std::make_index_sequence<gemm_mr>{}, kc, pa, pb, c, ldc, bias, load_c, rows);
}

inline void gemm_packed(std::size_t m, std::size_t n, std::size_t k, const float* a,
                        std::size_t lda, transpose ta, const float* b, std::size_t ldb,
                        transpose tb, float* c, std::size_t ldc, const float* bias,
                        bool accumulate) {
  // Equal K blocks (k = 784 -> 4 x 196, not 3 x 256 + 16): a short last block would pay a
  // full load/store of C for little work.
  const std::size_t k_blocks = (k + gemm_kc - 1) / gemm_kc;
  const std::size_t kc_max = (k + k_blocks - 1) / k_blocks;
  const std::size_t nc_max = std::min(gemm_nc, round_up(n, gemm_nr));
  const std::size_t mc_max = std::min(gemm_mc, round_up(m, gemm_mr));

  float* const packed_b = gemm_scratch_buffer(kc_max * (nc_max + mc_max));
  float* const packed_a = packed_b + kc_max * nc_max;
  alignas(scratch_alignment) float tile[gemm_mr * gemm_nr];

  for (std::size_t jc = 0; jc < n; jc += gemm_nc) {
    const std::size_t nc = std::min(gemm_nc, n - jc);
    for (std::size_t pc = 0; pc < k; pc += kc_max) {
      const std::size_t kc = std::min(kc_max, k - pc);
      // The first K block writes C (+ bias, + old C when accumulating); later ones add.
      const bool first = pc == 0;
      const bool load_c = accumulate || !first;
      const float* const block_bias = first && bias != nullptr ? bias + jc : nullptr;
      pack_b(kc, nc, b, ldb, tb, pc, jc, packed_b);

      for (std::size_t ic = 0; ic < m; ic += gemm_mc) {
        const std::size_t mc = std::min(gemm_mc, m - ic);
        pack_a(mc, kc, a, lda, ta, ic, pc, packed_a);

        for (std::size_t jr = 0; jr < nc; jr += gemm_nr) {
          const std::size_t nr = std::min(gemm_nr, nc - jr);
          const float* const pb = packed_b + jr * kc;
          const float* const tile_bias = block_bias != nullptr ? block_bias + jr : nullptr;
          for (std::size_t ir = 0; ir < mc; ir += gemm_mr) {
            const std::size_t mr = std::min(gemm_mr, mc - ir);
            const float* const pa = packed_a + ir * kc;
            float* const cij = c + (ic + ir) * ldc + jc + jr;
            if (nr == gemm_nr) {
              micro_kernel(kc, pa, pb, cij, ldc, tile_bias, load_c, mr);
              continue;
            }
            // Right edge: compute the full tile locally, store its first nr columns. The tile is
            // read back in whole batches or single floats: a narrower vector read of a wider
            // store cannot be store-forwarded and stalls (clang vectorizing the float loop
            // made the whole GEMM 30-50 % slower).
            micro_kernel(kc, pa, pb, tile, gemm_nr, nullptr, false);
            for (std::size_t i = 0; i < mr; ++i) {
              float* const row = cij + i * ldc;
              const float* const t = tile + i * gemm_nr;
              std::size_t j = 0;
              if (nr >= simd_width) {
                gemm_batch v = gemm_batch::load_aligned(t);
                if (tile_bias != nullptr) v += gemm_batch::load_unaligned(tile_bias);
                if (load_c) v += gemm_batch::load_unaligned(row);
                v.store_unaligned(row);
                j = simd_width;
              }
#if defined(__clang__)
#pragma clang loop vectorize(disable)
#endif
              for (; j < nr; ++j) {
                float v = t[j];
                if (tile_bias != nullptr) v += tile_bias[j];
                if (load_c) v += row[j];
                row[j] = v;
              }
            }
          }
        }
      }
    }
  }
}

// Small-m path: Batches column batches of all M rows of C in registers, streaming rows of B.
// Accumulator T holds row T % M, batch T / M (folds, not lambdas: see micro_kernel_rows).
template <std::size_t M, std::size_t Batches, std::size_t... R, std::size_t... Q, std::size_t... T>
inline void small_m_tiles(std::index_sequence<R...>, std::index_sequence<Q...>,
                          std::index_sequence<T...>, std::size_t k, const float* a, std::size_t lda,
                          const float* b, std::size_t ldb, float* c, std::size_t ldc,
                          const float* bias, bool accumulate) noexcept {
  gemm_batch acc[M * Batches];
  ((acc[T] = gemm_batch(0.0f)), ...);
  for (std::size_t p = 0; p < k; ++p) {
    const float* const brow = b + p * ldb;
    const gemm_batch ai[M] = {gemm_batch(a[R * lda + p])...};
    gemm_batch bq[Batches] = {gemm_batch::load_unaligned(brow + Q * simd_width)...};
    if constexpr (M > 1) (keep_in_register(bq[Q]), ...);
    ((acc[T] = fmadd(ai[T % M], bq[T / M], acc[T])), ...);
  }
  if (bias != nullptr) {
    const gemm_batch bias_q[Batches] = {gemm_batch::load_unaligned(bias + Q * simd_width)...};
    ((acc[T] += bias_q[T / M]), ...);
  }
  if (accumulate)
    ((acc[T] += gemm_batch::load_unaligned(c + T % M * ldc + T / M * simd_width)), ...);
  ((acc[T].store_unaligned(c + T % M * ldc + T / M * simd_width)), ...);
}

template <std::size_t M, std::size_t Batches>
inline void small_m_block(std::size_t k, const float* a, std::size_t lda, const float* b,
                          std::size_t ldb, float* c, std::size_t ldc, const float* bias,
                          bool accumulate) noexcept {
  small_m_tiles<M, Batches>(std::make_index_sequence<M>{}, std::make_index_sequence<Batches>{},
                            std::make_index_sequence<M * Batches>{}, k, a, lda, b, ldb, c, ldc,
                            bias, accumulate);
}

// Runs small_m_block<M, count> for a run-time count in [1, Max].
template <std::size_t M, std::size_t Max>
inline void small_m_partial(std::size_t count, std::size_t k, const float* a, std::size_t lda,
                            const float* b, std::size_t ldb, float* c, std::size_t ldc,
                            const float* bias, bool accumulate) noexcept {
  if constexpr (Max > 0) {
    if (count == Max)
      small_m_block<M, Max>(k, a, lda, b, ldb, c, ldc, bias, accumulate);
    else
      small_m_partial<M, Max - 1>(count, k, a, lda, b, ldb, c, ldc, bias, accumulate);
  }
}

template <std::size_t M>
inline void gemm_small_m(std::size_t n, std::size_t k, const float* a, std::size_t lda,
                         const float* b, std::size_t ldb, float* c, std::size_t ldc,
                         const float* bias, bool accumulate) noexcept {
  // Register budget: M * batches accumulators + M broadcasts of A + batches loads of B (one
  // use each when M == 1, so they need no register). Exceeding it halves the speed.
  constexpr std::size_t batches =
      M == 1 ? 8 : std::min<std::size_t>(8, (vector_registers - M) / (M + 1));
  constexpr std::size_t block = batches * simd_width;

  std::size_t j = 0;
  for (; j + block <= n; j += block)
    small_m_block<M, batches>(k, a, lda, b + j, ldb, c + j, ldc,
                              bias != nullptr ? bias + j : nullptr, accumulate);
  if (const std::size_t rest = (n - j) / simd_width; rest > 0) {
    small_m_partial<M, batches - 1>(rest, k, a, lda, b + j, ldb, c + j, ldc,
                                    bias != nullptr ? bias + j : nullptr, accumulate);
    j += rest * simd_width;
  }

  // Scalar tail: fewer than simd_width columns.
  const std::size_t tail = n - j;
  if (tail == 0) return;
  float acc[M][simd_width] = {};
  for (std::size_t p = 0; p < k; ++p) {
    const float* const brow = b + p * ldb + j;
    for (std::size_t i = 0; i < M; ++i) {
      const float ai = a[i * lda + p];
      for (std::size_t t = 0; t < tail; ++t) acc[i][t] += ai * brow[t];
    }
  }
  for (std::size_t i = 0; i < M; ++i) {
    float* const out = c + i * ldc + j;
    for (std::size_t t = 0; t < tail; ++t) {
      float v = acc[i][t];
      if (bias != nullptr) v += bias[j + t];
      if (accumulate) v += out[t];
      out[t] = v;
    }
  }
}

}  // namespace detail

// C[m x n] = op(A)[m x k] * op(B)[k x n]  (+ bias[n] added to every row if bias != nullptr)
//                                          (+ the old C if accumulate)
// All matrices row-major. op(A) = A (lda = row stride of A as stored) or A^T when ta == yes
// (then A is stored k x m with row stride lda). Same for B / tb / ldb. ldc = row stride of C.
// Elements of C outside the m x n block are never touched; the old C is read only when
// accumulate (it may hold NaN otherwise).
// With m <= 4 and no transposition the call performs no heap allocation; otherwise only the
// first call on a thread (or one needing a bigger packing buffer) allocates.
inline void gemm(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                 transpose ta, const float* b, std::size_t ldb, transpose tb, float* c,
                 std::size_t ldc, const float* bias, bool accumulate) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    for (std::size_t i = 0; i < m; ++i) {
      float* const row = c + i * ldc;
      for (std::size_t j = 0; j < n; ++j)
        row[j] = (accumulate ? row[j] : 0.0f) + (bias != nullptr ? bias[j] : 0.0f);
    }
    return;
  }
  if (m <= detail::gemm_small_m_max && ta == transpose::no && tb == transpose::no) {
    switch (m) {
      case 1:
        detail::gemm_small_m<1>(n, k, a, lda, b, ldb, c, ldc, bias, accumulate);
        return;
      case 2:
        detail::gemm_small_m<2>(n, k, a, lda, b, ldb, c, ldc, bias, accumulate);
        return;
      case 3:
        detail::gemm_small_m<3>(n, k, a, lda, b, ldb, c, ldc, bias, accumulate);
        return;
      default:
        detail::gemm_small_m<4>(n, k, a, lda, b, ldb, c, ldc, bias, accumulate);
        return;
    }
  }
  detail::gemm_packed(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, bias, accumulate);
}

}  // namespace ctnn::kernels
