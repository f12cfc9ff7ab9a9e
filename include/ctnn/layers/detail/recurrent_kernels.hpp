#pragma once
// The small pieces every recurrent cell (simple_rnn_cell, lstm_cell, gru_cell) computes with:
//   for_lanes<T, N>(f)   a gate loop over N units, in xsimd batches and then single values, so
//                        that each unit's maths is one generic lambda (the activations'
//                        apply_simd / backward_simd take batches and values alike)
//   gemm_product         the recurrent product h U for the n rows of a batch: kernels::matmul
//   fixed_product        the same product for the one row of a streaming step: its column sums
//                        in registers, over the compile-time sizes the compiler inlines
// and the views a cell's step works on (step_rows, recurrent_weights, step_carry).
// A cell's maths is written once against "a product", so forward (n rows, gemm_product) and step
// (one row, fixed_product) run the same gate code.
#include "../../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <cstddef>
#include <type_traits>

#include "../../kernels/gemm_options.hpp"
#include "../../kernels/matmul.hpp"
#include "../../kernels/matrix_ref.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn::detail {

// The rows of one time step: the step's block of the first row, the previous step's block (its
// state part) or null at the start of a sequence (a state of zeros).
template <class T>
struct step_rows {
  std::size_t n;
  T* block;
  std::size_t stride;  // from one row's block to the next
  const T* prev;
  std::size_t prev_stride;
};

// The cell's view of the parameters (or of their gradients, T non-const).
template <class T>
struct recurrent_weights {
  T* kernel;            // features x k units
  T* recurrent_kernel;  // units x k units
  T* bias;              // k units, or null without a bias
  T* recurrent_bias;    // k units with bias_rows == 2, else null
};

// The backward side of a step: the carry of each row (carry_floats, dL/dh first).
template <class T>
struct step_carry {
  T* data;
  std::size_t stride;
};

// f(j, std::type_identity<V>{}) for the units j of a row of N: V = xsimd::batch<T> from j on for
// whole batches, V = T for the rest. The split depends only on j and N, never on addresses, so a
// unit gets the same arithmetic whichever buffer holds the row (a batch's workspace, a step's
// stack array).
template <class T, std::size_t N, class F>
inline void for_lanes(F&& f) {
  using batch = xsimd::batch<T>;
  constexpr std::size_t w = batch::size;
  // Compile-time bounds: a tail that cannot run is not compiled (nor warned about).
  constexpr std::size_t full = N / w * w;
  for (std::size_t j = 0; j < full; j += w) f(j, std::type_identity<batch>{});
  if constexpr (full < N)
    for (std::size_t j = full; j < N; ++j) f(j, std::type_identity<T>{});
}

template <class V, class T>
inline V lane_load(const T* p) {
  if constexpr (std::is_same_v<V, T>) return *p;
  else return V::load_unaligned(p);
}
template <class V, class T>
inline void lane_store(T* p, const V& v) {
  if constexpr (std::is_same_v<V, T>) *p = v;
  else v.store_unaligned(p);
}

// C = A B (+ bias) (+ C), A n x k: what kernels::matmul does (and it is deterministic for any
// thread count).
struct gemm_product {
  template <class T>
  void operator()(kernels::matrix_ref<const std::type_identity_t<T>> a,
                  kernels::matrix_ref<const std::type_identity_t<T>> b, kernels::matrix_ref<T> c,
                  const kernels::gemm_options<T>& options = {}) const {
    kernels::matmul(a, b, c, options);
  }
};

// The same for operands that are not transposed and one (or a few) rows: row by row, each output
// column's sum started from C (or zero) plus the bias, then the rows of B added in order. The
// columns go in groups of `group` xsimd batches whose sums stay in registers over the whole k
// loop (a plain loop over out[] left them in memory where they do not fit in the registers the
// compiler chose: under -march=znver1 GCC vectorized it in 128 bits and reloaded and stored every
// sum on every row of B, a store-to-load chain that made an LSTM 32 step 1.4 x slower than
// Eigen's), then single batches, then single values.
struct fixed_product {
  template <class T>
  void operator()(kernels::matrix_ref<const std::type_identity_t<T>> a,
                  kernels::matrix_ref<const std::type_identity_t<T>> b, kernels::matrix_ref<T> c,
                  const kernels::gemm_options<T>& options = {}) const {
    constexpr std::size_t w = xsimd::batch<T>::size, group = 8;
    for (std::size_t i = 0; i < c.rows; ++i) {
      const column_sums<T> sums{a.data + i * a.stride, a.cols, b.data, b.stride, c.data + i * c.stride,
                                options.bias, options.accumulate};
      // The tail's start from the sizes alone, so that a tail the inlined sizes rule out is seen
      // to be empty (from the loops' j, GCC 12 warned of undefined behaviour in it).
      const std::size_t batched = c.cols / w * w;
      std::size_t j = 0;
      for (; j + group * w <= batched; j += group * w) sums.template run<group>(j);
      for (; j < batched; j += w) sums.template run<1>(j);
      sums.tail(batched, c.cols);
    }
  }

 private:
  template <class T>
  struct column_sums {
    const T* in;  // the row of A
    std::size_t k;
    const T* b;
    std::size_t ldb;
    T* out;
    const T* bias;
    bool accumulate;

    // Columns j .. j + Count batches: Count sums in registers.
    template <std::size_t Count>
    void run(std::size_t j) const {
      using batch = xsimd::batch<T>;
      constexpr std::size_t w = batch::size;
      batch s[Count];
      for (std::size_t q = 0; q < Count; ++q) {
        s[q] = accumulate ? batch::load_unaligned(out + j + q * w) : batch(T(0));
        if (bias) s[q] += batch::load_unaligned(bias + j + q * w);
      }
      for (std::size_t p = 0; p < k; ++p) {
        const batch x(in[p]);
        const T* row = b + p * ldb + j;
        for (std::size_t q = 0; q < Count; ++q) s[q] = xsimd::fma(x, batch::load_unaligned(row + q * w), s[q]);
      }
      for (std::size_t q = 0; q < Count; ++q) s[q].store_unaligned(out + j + q * w);
    }

    // The columns [first, last) past the whole batches, in the same order, one value at a time.
    void tail(std::size_t first, std::size_t last) const {
      for (std::size_t j = first; j < last; ++j) {
        T sum = accumulate ? out[j] : T(0);
        if (bias) sum += bias[j];
        for (std::size_t p = 0; p < k; ++p) sum = sum + in[p] * b[p * ldb + j];  // contracted where FMA is
        out[j] = sum;
      }
    }
  };
};

// C = h U (+ bias) (+ C) for a step's rows whose previous state h is all zeros at the start of a
// sequence (h null): then only the bias (and the old C) remain.
template <class Product, class T>
inline void recurrent_product(const Product& product, const T* h, std::size_t h_stride,
                              kernels::matrix_ref<const T> u, kernels::matrix_ref<T> c,
                              const kernels::gemm_options<T>& options) {
  if (h) {
    product(kernels::matrix_ref<const T>{h, c.rows, u.rows, h_stride}, u, c, options);
    return;
  }
  for (std::size_t i = 0; i < c.rows; ++i) {
    T* out = c.data + i * c.stride;
    for (std::size_t j = 0; j < c.cols; ++j)
      out[j] = (options.accumulate ? out[j] : T(0)) + (options.bias ? options.bias[j] : T(0));
  }
}

}  // namespace ctnn::detail
CTNN_DETAIL_SIMD_END
