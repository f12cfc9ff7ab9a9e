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
// Epilogue (kernels/epilogue.hpp): the bias is added after the first K block, the epilogue
// (an activation, say) to the finished sums after the last one, before they are stored: a dense
// layer's forward pass is this one call.
//
// Threads (kernels/parallel.hpp): a large packed product splits its columns (or, when op(A) is
// the larger operand, its rows) into chunks of whole NR panels (MR tiles) that up to
// kernels::max_threads() threads take from a shared counter, each having packed the other
// operand once. Every value of C is computed by one thread with the K blocking, micro-kernel
// and edge handling one thread would use: bit-identical for any thread count. (A failure to
// grow a thread's packing buffer inside the parallel region ends the program.)
//
// SIMD width is xsimd's default arch, i.e. whatever the -m... flags enable (SSE2 at minimum on
// x86-64); every translation unit must be built with the same flags.

#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <algorithm>
#include <atomic>
#include <cassert>
#include <cstddef>
#include <new>
#include <utility>


#include "simd.hpp"

#include "arch/isa.hpp"
#include "epilogue.hpp"
#include "gemm_options.hpp"
#include "matrix_ref.hpp"
#include "parallel.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn::kernels {

namespace detail {

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

// Packs op(A)[i0 .. i0+mc, p0 .. p0+kc] into panels of MR rows: panel r holds
// dst[r*MR*kc + p*MR + i] = op(A)[i0 + r*MR + i, p0 + p], rows past mc zero.
inline void pack_a(std::size_t mc, std::size_t kc, matrix_ref<const float> a, std::size_t i0,
                   std::size_t p0, float* dst) noexcept {
  if (a.op == transpose::no) {
    // op(A)[i, p] = a[i*lda + p]: rows of a panel come from MR rows of a (a transposition).
    for (std::size_t ir = 0; ir < mc; ir += gemm_mr) {
      const std::size_t mr = std::min(gemm_mr, mc - ir);
      const float* rows[gemm_mr];
      for (std::size_t i = 0; i < gemm_mr; ++i)
        rows[i] = i < mr ? a.data + (i0 + ir + i) * a.stride + p0 : pack_zeros;
      interleave_rows<gemm_mr>(kc, rows, dst + ir * kc);
    }
    return;
  }
  // op(A)[i, p] = a[p*lda + i]: packed rows are contiguous pieces of stored rows. Row by row,
  // so that each stored row is read once, front to back.
  for (std::size_t p = 0; p < kc; ++p) {
    const float* const src = a.data + (p0 + p) * a.stride + i0;
    for (std::size_t ir = 0; ir < mc; ir += gemm_mr) {
      const std::size_t mr = std::min(gemm_mr, mc - ir);
      float* const out = dst + ir * kc + p * gemm_mr;
      std::size_t i = 0;
      for (; i < mr; ++i) out[i] = src[ir + i];
      for (; i < gemm_mr; ++i) out[i] = 0.0f;
    }
  }
}

// Packs op(B)[p0 .. p0+kc, j0 .. j0+nc] into panels of NR columns: panel s holds
// dst[s*NR*kc + p*NR + j] = op(B)[p0 + p, j0 + s*NR + j], columns past nc zero.
inline void pack_b(std::size_t kc, std::size_t nc, matrix_ref<const float> b, std::size_t p0,
                   std::size_t j0, float* dst) noexcept {
  if (b.op == transpose::yes) {
    // op(B)[p, j] = b[j*ldb + p]: columns of a panel come from NR rows of b (a transposition).
    for (std::size_t jr = 0; jr < nc; jr += gemm_nr) {
      const std::size_t nr = std::min(gemm_nr, nc - jr);
      const float* rows[gemm_nr];
      for (std::size_t j = 0; j < gemm_nr; ++j)
        rows[j] = j < nr ? b.data + (j0 + jr + j) * b.stride + p0 : pack_zeros;
      interleave_rows<gemm_nr>(kc, rows, dst + jr * kc);
    }
    return;
  }
  // op(B)[p, j] = b[p*ldb + j]: packed rows are contiguous pieces of stored rows. Row by row,
  // each stored row read once front to back: panel by panel, every row was visited nc / NR
  // times, 128 bytes at a time, and packing W5's weights took 6 % of its time.
  const std::size_t full = nc / gemm_nr * gemm_nr;
  for (std::size_t p = 0; p < kc; ++p) {
    const float* const src = b.data + (p0 + p) * b.stride + j0;
    float* const out = dst + p * gemm_nr;
    for (std::size_t jr = 0; jr < full; jr += gemm_nr) {
      gemm_batch::load_unaligned(src + jr).store_aligned(out + jr * kc);
      gemm_batch::load_unaligned(src + jr + simd_width).store_aligned(out + jr * kc + simd_width);
    }
    if (full < nc) {
      float* const edge = out + full * kc;
      std::size_t j = 0;
      for (; j < nc - full; ++j) edge[j] = src[full + j];
      for (; j < gemm_nr; ++j) edge[j] = 0.0f;
    }
  }
}

// C[rows x NR] (=|+=) packed A panel * packed B panel (+ bias[0 .. NR) when bias != nullptr),
// rows <= MR; C is read only when load_c; when last, e(., column) is applied before the store.
// Written with folds over I = 0 .. MR-1 rather than loops or lambdas so that both compilers
// keep the 2 * MR accumulators in registers (clang 14 does not inline a per-row lambda and then
// spills every accumulator).
template <class E, std::size_t... I>
inline void micro_kernel_rows(std::index_sequence<I...>, std::size_t kc, const float* pa,
                              const float* pb, float* c, std::size_t ldc, const float* bias,
                              bool load_c, std::size_t rows, const E& e, bool last,
                              std::size_t column) {
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
  if (last)
    ((acc0[I] = e(acc0[I], column), acc1[I] = e(acc1[I], column + simd_width)), ...);
  ((I < rows ? void((acc0[I].store_unaligned(c + I * ldc),
                     acc1[I].store_unaligned(c + I * ldc + simd_width)))
             : void()),
   ...);
}

// tile[rows x one batch] (row stride NR) = packed A panel * the first batch of a packed B panel:
// the right edge when at most one batch of columns is left there (a 10-class output layer on
// AVX-512), at half the cost of the full MR x NR kernel.
template <std::size_t... I>
inline void micro_kernel_narrow_rows(std::index_sequence<I...>, std::size_t kc, const float* pa,
                                     const float* pb, float* tile, std::size_t rows) noexcept {
  gemm_batch acc[sizeof...(I)];
  ((acc[I] = gemm_batch(0.0f)), ...);
  for (std::size_t p = 0; p < kc; ++p) {
    const gemm_batch b0 = gemm_batch::load_aligned(pb);
    ((acc[I] = fmadd(gemm_batch(pa[I]), b0, acc[I])), ...);
    pa += gemm_mr;
    pb += gemm_nr;
  }
  ((I < rows ? acc[I].store_aligned(tile + I * gemm_nr) : void()), ...);
}

// A bottom edge tile (rows < MR) runs a kernel of MR/3 or 2MR/3 rows when that covers it: the
// full kernel costs the same whatever rows is (m = 256 = 21 x 12 + 4 spent 5 % of its time on
// the last 4 rows).
template <class E>
inline void micro_kernel(std::size_t kc, const float* pa, const float* pb, float* c,
                         std::size_t ldc, const float* bias, bool load_c, std::size_t rows,
                         const E& e, bool last, std::size_t column) {
  constexpr std::size_t third = gemm_mr / 3;
  if (rows <= third)
    micro_kernel_rows(std::make_index_sequence<third>{}, kc, pa, pb, c, ldc, bias, load_c, rows,
                      e, last, column);
  else if (rows <= 2 * third)
    micro_kernel_rows(std::make_index_sequence<2 * third>{}, kc, pa, pb, c, ldc, bias, load_c,
                      rows, e, last, column);
  else
    micro_kernel_rows(std::make_index_sequence<gemm_mr>{}, kc, pa, pb, c, ldc, bias, load_c,
                      rows, e, last, column);
}

// What one K block does to C: the first writes C (+ bias, + the old C when accumulating), later
// ones add to it, the last applies the epilogue.
struct k_step {
  bool load_c, last;
  const float* bias;  // for the block's first column; null but in the first K block
};

// C[mc x nc] (op)= packed A block (mc x kc, MR-row panels) * packed B block (kc x nc, NR-column
// panels) for one K block. column: the index in the caller's C of c's first column (what the
// epilogue is told).
template <class E>
inline void macro_kernel(std::size_t mc, std::size_t nc, std::size_t kc, const float* packed_a,
                         const float* packed_b, float* c, std::size_t ldc, const k_step& step,
                         const E& e, std::size_t column) {
  alignas(scratch_alignment) float tile[gemm_mr * gemm_nr];
  for (std::size_t jr = 0; jr < nc; jr += gemm_nr) {
    const std::size_t nr = std::min(gemm_nr, nc - jr);
    const float* const pb = packed_b + jr * kc;
    const float* const tile_bias = step.bias != nullptr ? step.bias + jr : nullptr;
    for (std::size_t ir = 0; ir < mc; ir += gemm_mr) {
      const std::size_t mr = std::min(gemm_mr, mc - ir);
      const float* const pa = packed_a + ir * kc;
      float* const cij = c + ir * ldc + jr;
      if (nr == gemm_nr) {
        micro_kernel(kc, pa, pb, cij, ldc, tile_bias, step.load_c, mr, e, step.last, column + jr);
        continue;
      }
      // Right edge: compute the full tile locally, store its first nr columns. The tile is
      // read back in whole batches or single floats: a narrower vector read of a wider store
      // cannot be store-forwarded and stalls (clang vectorizing the float loop made the whole
      // GEMM 30-50 % slower).
      if (nr <= simd_width)
        micro_kernel_narrow_rows(std::make_index_sequence<gemm_mr>{}, kc, pa, pb, tile, mr);
      else
        micro_kernel(kc, pa, pb, tile, gemm_nr, nullptr, false, mr, identity_epilogue{}, false, 0);
      for (std::size_t i = 0; i < mr; ++i) {
        float* const row = cij + i * ldc;
        const float* const t = tile + i * gemm_nr;
        std::size_t j = 0;
        if (nr >= simd_width) {
          gemm_batch v = gemm_batch::load_aligned(t);
          if (tile_bias != nullptr) v += gemm_batch::load_unaligned(tile_bias);
          if (step.load_c) v += gemm_batch::load_unaligned(row);
          if (step.last) v = e(v, column + jr);
          v.store_unaligned(row);
          j = simd_width;
        }
#if defined(__clang__)
#pragma clang loop vectorize(disable)
#endif
        for (; j < nr; ++j) {
          float v = t[j];
          if (tile_bias != nullptr) v += tile_bias[j];
          if (step.load_c) v += row[j];
          if (step.last) v = e(v, column + jr + j);
          row[j] = v;
        }
      }
    }
  }
}

// K blocking shared by every driver (and so by every thread count): equal blocks
// (k = 1000 -> 3 x 334, not 2 x 400 + 200), since a short last block would pay a full load/store
// of C for little work.
constexpr std::size_t k_block(std::size_t k) noexcept {
  const std::size_t blocks = (k + gemm_kc - 1) / gemm_kc;
  return (k + blocks - 1) / blocks;
}

// The k_step (kernels/gemm/block_panel.hpp) of the K block [pc, pc + kc) of k.
inline k_step k_step_of(std::size_t pc, std::size_t kc, std::size_t k, bool accumulate,
                        const float* bias) noexcept {
  const bool first = pc == 0;
  return {accumulate || !first, pc + kc >= k, first ? bias : nullptr};
}

// The packed product on the calling thread: NC x KC x MC blocks (Goto/BLIS).
template <class E>
inline void gemm_packed_serial(matrix_ref<const float> a, matrix_ref<const float> b,
                               matrix_ref<float> c, const gemm_options<float>& options,
                               const E& e) {
  const std::size_t m = c.rows, n = c.cols, k = a.op_cols();
  const std::size_t kc_max = k_block(k);
  const std::size_t nc_max = std::min(gemm_nc, round_up(n, gemm_nr));
  const std::size_t mc_max = std::min(gemm_mc, round_up(m, gemm_mr));
  float* const packed_b = gemm_scratch_buffer(kc_max * (nc_max + mc_max));
  float* const packed_a = packed_b + kc_max * nc_max;
  for (std::size_t jc = 0; jc < n; jc += gemm_nc) {
    const std::size_t nc = std::min(gemm_nc, n - jc);
    for (std::size_t pc = 0; pc < k; pc += kc_max) {
      const std::size_t kc = std::min(kc_max, k - pc);
      const k_step step = k_step_of(pc, kc, k, options.accumulate,
                                    options.bias != nullptr ? options.bias + jc : nullptr);
      pack_b(kc, nc, b, pc, jc, packed_b);
      for (std::size_t ic = 0; ic < m; ic += gemm_mc) {
        const std::size_t mc = std::min(gemm_mc, m - ic);
        pack_a(mc, kc, a, ic, pc, packed_a);
        macro_kernel(mc, nc, kc, packed_a, packed_b, c.data + ic * c.stride + jc, c.stride, step, e,
                     jc);
      }
    }
  }
}

// Products below this many multiply-adds run on one thread: starting a team costs a few
// microseconds, about what 2^20 multiply-adds take on one core.
inline constexpr std::size_t gemm_parallel_min_madds = std::size_t{1} << 20;
// The threaded path packs the whole operand it does not split once per thread; above this many
// floats (16 MiB) it gives up (such products are rare in layers and run on one thread).
inline constexpr std::size_t gemm_parallel_max_packed = std::size_t{1} << 22;

// The packed product on up to `threads` threads. The larger of op(A) and op(B) is split into
// chunks of whole MR-row tiles or NR-column panels, taken from a shared counter (a thread the
// OS preempts leaves its chunks to the others); each thread first packs the whole other
// operand, every K block of it, once. Each value of C is computed by one thread with the same
// K blocks, micro-kernel and edge handling as gemm_packed_serial: the same bits.
template <class E>
inline void gemm_packed_parallel(std::size_t threads, matrix_ref<const float> a,
                                 matrix_ref<const float> b, matrix_ref<float> c,
                                 const gemm_options<float>& options, const E& e) {
  const std::size_t m = c.rows, n = c.cols, k = a.op_cols();
  const float* const bias = options.bias;
  const std::size_t kc_max = k_block(k);
  const std::size_t m_round = round_up(m, gemm_mr), n_round = round_up(n, gemm_nr);
  const bool split_columns = n >= m;
  // About four chunks per thread, each at least 2 panels or 4 tiles.
  const std::size_t unit = split_columns ? gemm_nr : gemm_mr;
  const std::size_t units = split_columns ? n_round / gemm_nr : m_round / gemm_mr;
  const std::size_t per_chunk = std::max<std::size_t>(split_columns ? 2 : 4, units / (4 * threads));
  const std::size_t chunk = per_chunk * unit;
  const std::size_t chunks = (units + per_chunk - 1) / per_chunk;
  std::atomic<std::size_t> next{0};
  parallel(std::min(threads, chunks), [&](std::size_t, std::size_t) {
    if (split_columns) {
      // All of op(A), K block pc at packed_a + pc * m_round; then chunks of columns of op(B).
      float* const packed_a = gemm_scratch_buffer(m_round * k + kc_max * chunk);
      float* const packed_b = packed_a + m_round * k;
      for (std::size_t pc = 0; pc < k; pc += kc_max)
        pack_a(m, std::min(kc_max, k - pc), a, 0, pc, packed_a + pc * m_round);
      for (std::size_t u; (u = next.fetch_add(1, std::memory_order_relaxed)) < chunks;) {
        const std::size_t j0 = u * chunk, nc = std::min(chunk, n - j0);
        for (std::size_t pc = 0; pc < k; pc += kc_max) {
          const std::size_t kc = std::min(kc_max, k - pc);
          const k_step step =
              k_step_of(pc, kc, k, options.accumulate, bias != nullptr ? bias + j0 : nullptr);
          pack_b(kc, nc, b, pc, j0, packed_b);
          for (std::size_t ic = 0; ic < m; ic += gemm_mc)
            macro_kernel(std::min(gemm_mc, m - ic), nc, kc, packed_a + pc * m_round + ic * kc,
                         packed_b, c.data + ic * c.stride + j0, c.stride, step, e, j0);
        }
      }
    } else {
      // All of op(B), K block pc at packed_b + pc * n_round; then chunks of rows of op(A).
      float* const packed_b = gemm_scratch_buffer(n_round * k + kc_max * chunk);
      float* const packed_a = packed_b + n_round * k;
      for (std::size_t pc = 0; pc < k; pc += kc_max)
        pack_b(std::min(kc_max, k - pc), n, b, pc, 0, packed_b + pc * n_round);
      for (std::size_t u; (u = next.fetch_add(1, std::memory_order_relaxed)) < chunks;) {
        const std::size_t i0 = u * chunk, mc = std::min(chunk, m - i0);
        for (std::size_t pc = 0; pc < k; pc += kc_max) {
          const std::size_t kc = std::min(kc_max, k - pc);
          const k_step step = k_step_of(pc, kc, k, options.accumulate, bias);
          pack_a(mc, kc, a, i0, pc, packed_a);
          macro_kernel(mc, n, kc, packed_a, packed_b + pc * n_round, c.data + i0 * c.stride,
                       c.stride, step, e, 0);
        }
      }
    }
  });
}

// The packed product, on one thread or several.
template <class E>
inline void gemm_packed(matrix_ref<const float> a, matrix_ref<const float> b, matrix_ref<float> c,
                        const gemm_options<float>& options, const E& e) {
  const std::size_t m = c.rows, n = c.cols, k = a.op_cols();
  const std::size_t threads = max_threads();
  const std::size_t shared = std::min(round_up(m, gemm_mr), round_up(n, gemm_nr)) * k;
  if (threads <= 1 || m * n * k < gemm_parallel_min_madds || shared > gemm_parallel_max_packed ||
      std::max(m, n) < 2 * gemm_nr)
    gemm_packed_serial(a, b, c, options, e);
  else
    gemm_packed_parallel(threads, a, b, c, options, e);
}

// Rows handled by the unpacked small-m path (gemm() dispatches on m = 1 .. 4).
inline constexpr std::size_t gemm_small_m_max = 4;
// The small-m path prefetches B this many rows ahead when B spans at least this many floats.
inline constexpr std::size_t small_m_prefetch_rows = 4;
inline constexpr std::size_t small_m_prefetch_min = 16384;

// Small-m path: Batches column batches of all M rows of C in registers, streaming rows of B.
// Accumulator T holds row T % M, batch T / M (folds, not lambdas: see micro_kernel_rows).
template <std::size_t M, std::size_t Batches, class E, std::size_t... R, std::size_t... Q,
          std::size_t... T>
inline void small_m_tiles(std::index_sequence<R...>, std::index_sequence<Q...>,
                          std::index_sequence<T...>, std::size_t k, const float* a, std::size_t lda,
                          const float* b, std::size_t ldb, float* c, std::size_t ldc,
                          const float* bias, bool accumulate, const E& e, std::size_t column) {
  gemm_batch acc[M * Batches];
  ((acc[T] = gemm_batch(0.0f)), ...);
  // B larger than L1 streams from L2: prefetching a few rows ahead made W1 (784 x 128 weights)
  // 12 % faster; B that fits L1 gains nothing from it.
  const bool prefetch = k * ldb >= small_m_prefetch_min;
  for (std::size_t p = 0; p < k; ++p) {
    const float* const brow = b + p * ldb;
    if (prefetch) ((__builtin_prefetch(brow + small_m_prefetch_rows * ldb + Q * simd_width)), ...);
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
  ((acc[T] = e(acc[T], column + T / M * simd_width)), ...);
  ((acc[T].store_unaligned(c + T % M * ldc + T / M * simd_width)), ...);
}

template <std::size_t M, std::size_t Batches, class E>
inline void small_m_block(std::size_t k, const float* a, std::size_t lda, const float* b,
                          std::size_t ldb, float* c, std::size_t ldc, const float* bias,
                          bool accumulate, const E& e, std::size_t column) {
  small_m_tiles<M, Batches>(std::make_index_sequence<M>{}, std::make_index_sequence<Batches>{},
                            std::make_index_sequence<M * Batches>{}, k, a, lda, b, ldb, c, ldc,
                            bias, accumulate, e, column);
}

// Runs small_m_block<M, count> for a run-time count in [1, Max].
template <std::size_t M, std::size_t Max, class E>
inline void small_m_partial(std::size_t count, std::size_t k, const float* a, std::size_t lda,
                            const float* b, std::size_t ldb, float* c, std::size_t ldc,
                            const float* bias, bool accumulate, const E& e, std::size_t column) {
  if constexpr (Max > 0) {
    if (count == Max)
      small_m_block<M, Max>(k, a, lda, b, ldb, c, ldc, bias, accumulate, e, column);
    else
      small_m_partial<M, Max - 1>(count, k, a, lda, b, ldb, c, ldc, bias, accumulate, e, column);
  }
}

// The last tail < simd_width columns of the small-m path, one batch wide. Rows of B whose batch
// b[p*ldb .. + simd_width) lies inside B (its extent: values from b[0]) are read whole, the lanes
// past the tail holding the next row's values and discarded; the last rows go through a
// zero-padded copy. Several accumulators per row of C (interleaved over p) when M is small: one
// chain of dependent multiply-adds would be latency-bound (W1's last layer, n = 10).
template <std::size_t M, class E>
inline void small_m_tail(std::size_t tail, std::size_t k, const float* a, std::size_t lda,
                         const float* b, std::size_t ldb, float* c, std::size_t ldc,
                         const float* bias, bool accumulate, const E& e, std::size_t column,
                         std::size_t extent) {
  constexpr std::size_t chains = M == 1 ? 4 : M == 2 ? 2 : 1;
  gemm_batch acc[chains][M];
  for (auto& row : acc)
    for (auto& x : row) x = gemm_batch(0.0f);
  const std::size_t whole = extent >= simd_width ? std::min(k, (extent - simd_width) / ldb + 1) : 0;
  std::size_t p = 0;
  for (; p + chains <= whole; p += chains)
    for (std::size_t q = 0; q < chains; ++q) {
      const gemm_batch bq = gemm_batch::load_unaligned(b + (p + q) * ldb);
      for (std::size_t i = 0; i < M; ++i)
        acc[q][i] = fmadd(gemm_batch(a[i * lda + p + q]), bq, acc[q][i]);
    }
  alignas(scratch_alignment) float padded[simd_width] = {};
  for (; p < k; ++p) {
    std::copy_n(b + p * ldb, tail, padded);
    const gemm_batch bp = gemm_batch::load_aligned(padded);
    for (std::size_t i = 0; i < M; ++i) acc[0][i] = fmadd(gemm_batch(a[i * lda + p]), bp, acc[0][i]);
  }
  gemm_batch bias_batch(0.0f);
  if (bias != nullptr) {
    std::copy_n(bias, tail, padded);
    bias_batch = gemm_batch::load_aligned(padded);
  }
  for (std::size_t i = 0; i < M; ++i) {
    gemm_batch v = acc[0][i];
    for (std::size_t q = 1; q < chains; ++q) v += acc[q][i];
    v += bias_batch;
    float* const out = c + i * ldc;
    if (accumulate) {
      std::copy_n(out, tail, padded);
      v += gemm_batch::load_aligned(padded);
    }
    e(v, column).store_aligned(padded);
    std::copy_n(padded, tail, out);
  }
}

template <std::size_t M, class E>
inline void gemm_small_m(matrix_ref<const float> a, matrix_ref<const float> b,
                         matrix_ref<float> c, const gemm_options<float>& options, const E& e) {
  const std::size_t n = c.cols, k = a.cols, lda = a.stride, ldb = b.stride, ldc = c.stride;
  const float* const bias = options.bias;
  const bool accumulate = options.accumulate;
  // Register budget: M * batches accumulators + M broadcasts of A + batches loads of B (one
  // use each when M == 1, so they need no register). Exceeding it halves the speed.
  constexpr std::size_t batches =
      M == 1 ? 8 : std::min<std::size_t>(8, (vector_registers - M) / (M + 1));
  constexpr std::size_t block = batches * simd_width;

  std::size_t j = 0;
  for (; j + block <= n; j += block)
    small_m_block<M, batches>(k, a.data, lda, b.data + j, ldb, c.data + j, ldc,
                              bias != nullptr ? bias + j : nullptr, accumulate, e, j);
  if (const std::size_t rest = (n - j) / simd_width; rest > 0) {
    small_m_partial<M, batches - 1>(rest, k, a.data, lda, b.data + j, ldb, c.data + j, ldc,
                                    bias != nullptr ? bias + j : nullptr, accumulate, e, j);
    j += rest * simd_width;
  }

  if (j < n)
    small_m_tail<M>(n - j, k, a.data, lda, b.data + j, ldb, c.data + j, ldc,
                    bias != nullptr ? bias + j : nullptr, accumulate, e, j, (k - 1) * ldb + n - j);
}

}  // namespace detail

namespace detail {
// The shapes of a product C = op(A) op(B): op(A) m x k, op(B) k x n, C m x n and not transposed.
template <class T>
constexpr bool product_shapes_agree(matrix_ref<const T> a, matrix_ref<const T> b,
                                    matrix_ref<T> c) noexcept {
  return a.op_cols() == b.op_rows() && a.op_rows() == c.rows && b.op_cols() == c.cols &&
         c.op == transpose::no;
}
}  // namespace detail

// C = e( op(A) op(B)  (+ options.bias[n] added to every row if not null)
//                     (+ the old C if options.accumulate) ), C m x n, op(A) m x k, op(B) k x n.
// e: an epilogue (kernels/epilogue.hpp) applied once to every finished value; the identity by
// default. Operands are row-major (kernels/matrix_ref.hpp: a stride, and transposed() for
// op(M) = M^T); C must not be transposed. Elements of C outside its rows x cols are never
// touched; the old C is read only when accumulating (it may hold NaN otherwise). Shapes are
// checked by assert only (debug builds), so that the call costs nothing more in release.
// With m <= 4 and no transposition the call performs no heap allocation; otherwise only the
// first call on a thread (or one needing a bigger packing buffer) allocates. Products of at
// least 2^20 multiply-adds on the packed path use up to kernels::max_threads() threads (1
// unless the caller raised it), with results identical to one thread's.
template <epilogue E = identity_epilogue>
inline void gemm(matrix_ref<const float> a, matrix_ref<const float> b, matrix_ref<float> c,
                 const gemm_options<float>& options = {}, const E& e = {}) {
  assert(detail::product_shapes_agree(a, b, c) &&
         "kernels::gemm(a, b, c) requires op(a) m x k, op(b) k x n and c m x n, not transposed");
  const std::size_t m = c.rows, n = c.cols, k = a.op_cols();
  if (m == 0 || n == 0) return;
  if (k == 0) {
    for (std::size_t i = 0; i < m; ++i) {
      float* const row = c.data + i * c.stride;
      for (std::size_t j = 0; j < n; ++j)
        row[j] = e((options.accumulate ? row[j] : 0.0f) +
                       (options.bias != nullptr ? options.bias[j] : 0.0f),
                   j);
    }
    return;
  }
  if (m <= detail::gemm_small_m_max && a.op == transpose::no && b.op == transpose::no) {
    switch (m) {
      case 1:
        detail::gemm_small_m<1>(a, b, c, options, e);
        return;
      case 2:
        detail::gemm_small_m<2>(a, b, c, options, e);
        return;
      case 3:
        detail::gemm_small_m<3>(a, b, c, options, e);
        return;
      default:
        detail::gemm_small_m<4>(a, b, c, options, e);
        return;
    }
  }
  detail::gemm_packed(a, b, c, options, e);
}

}  // namespace ctnn::kernels
CTNN_DETAIL_SIMD_END
