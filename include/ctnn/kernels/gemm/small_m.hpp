#pragma once
// The GEMM's small-m path (kernels/gemm.hpp; Eigen's matrix-vector products): m <= 4 rows of C
// and no transposition, as in small-batch inference. Nothing is packed: rows of C stay in
// registers while rows of B stream past, and the heap is never touched.
#include "../../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <algorithm>
#include <cstddef>
#include <utility>

#include "../arch/isa.hpp"
#include "../gemm_options.hpp"
#include "../matrix_ref.hpp"
#include "blocking.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn::kernels::detail {

// Rows handled by the unpacked small-m path (gemm() dispatches on m = 1 .. 4).
inline constexpr std::size_t gemm_small_m_max = 4;
// The small-m path prefetches B this many rows ahead when B spans at least this many floats.
inline constexpr std::size_t small_m_prefetch_rows = 4;
inline constexpr std::size_t small_m_prefetch_min = 16384;
// One prefetch per 64-byte cache line: AVX2's batches are half a line, and a second prefetch of
// the same line costs a load slot (on Zen 1 the 784 x 128 product of W1 spent more samples on
// its prefetches than on its multiply-adds).
inline constexpr std::size_t small_m_batches_per_line =
    simd_width * sizeof(float) >= 64 ? 1 : 64 / (simd_width * sizeof(float));

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
    if (prefetch) ((Q % small_m_batches_per_line == 0
                        ? __builtin_prefetch(brow + small_m_prefetch_rows * ldb + Q * simd_width)
                        : void()),
                   ...);
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

// One column of C (n = 1, a dense layer's single output: a regression head) with B a contiguous
// column: each row of C is a dot product of length k, in batches (four chains, for latency),
// then reduced. small_m_tail would copy each row of B's single float into a padded batch, a
// store that the next load cannot forward: 15 such stalls were 43 % of W6's step.
template <std::size_t M, class E>
inline void small_m_column(std::size_t k, const float* a, std::size_t lda, const float* b, float* c,
                           std::size_t ldc, const float* bias, bool accumulate, const E& e, std::size_t column) {
  constexpr std::size_t chains = 4;
  for (std::size_t i = 0; i < M; ++i) {
    const float* const row = a + i * lda;
    gemm_batch acc[chains] = {gemm_batch(0.0f), gemm_batch(0.0f), gemm_batch(0.0f), gemm_batch(0.0f)};
    const std::size_t batches = k / simd_width;
    for (std::size_t q = 0; q < batches; ++q)
      acc[q % chains] = fmadd(gemm_batch::load_unaligned(row + q * simd_width),
                              gemm_batch::load_unaligned(b + q * simd_width), acc[q % chains]);
    float v = xsimd::hadd((acc[0] + acc[1]) + (acc[2] + acc[3]));
    for (std::size_t p = batches * simd_width; p < k; ++p) v += row[p] * b[p];
    if (bias != nullptr) v += bias[0];
    if (accumulate) v += c[i * ldc];
    alignas(scratch_alignment) float lanes[simd_width];
    e(gemm_batch(v), column).store_aligned(lanes);
    c[i * ldc] = lanes[0];
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

  if (n == 1 && ldb == 1)
    small_m_column<M>(k, a.data, lda, b.data, c.data, ldc, bias, accumulate, e, 0);
  else if (j < n)
    small_m_tail<M>(n - j, k, a.data, lda, b.data + j, ldb, c.data + j, ldc,
                    bias != nullptr ? bias + j : nullptr, accumulate, e, j, (k - 1) * ldb + n - j);
}

}  // namespace ctnn::kernels::detail
CTNN_DETAIL_SIMD_END
