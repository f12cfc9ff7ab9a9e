#pragma once
// The cell of ctnn::gru, Keras' GRUCell: gates z (update), r (reset), h (candidate) in that order,
//   z = sa(x K_z + h U_z + b_z), r = sa(x K_r + h U_r + b_r),
//   reset_after:  hh = a(x K_h + b_h + r (h U_h + b'_h))   (b' the recurrent bias, Keras' bias[1])
//   reset_before: hh = a(x K_h + b_h + (r h) U_h)
//   h' = z h + (1 - z) hh
// (with reset_after, z and r also add their recurrent biases b'_z, b'_r). Block of a step: h, the
// three gates' values, then aux: h U_h + b'_h (reset_after) or r h (reset_before). Carry: dL/dh,
// the direct part of dL/d(previous h), dL/d(aux).
#include "../../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <array>
#include <cstddef>
#include <span>
#include <string_view>

#include "../../detail/check_link.hpp"
#include "../../detail/random.hpp"
#include "../../kernels/matmul.hpp"
#include "../../kernels/matrix_ref.hpp"
#include "../../kernels/simd.hpp"
#include "recurrent_kernels.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn::detail {

template <std::size_t Units, class Options>
struct gru_cell {
  static constexpr std::string_view kind = "gru";
  static constexpr bool reset_after = Options::reset_after;
  static constexpr std::size_t units = Units, gates = 3, width = 3 * Units, bias_rows = reset_after ? 2 : 1;
  static constexpr std::size_t state_floats = Units, gates_offset = Units, aux_offset = 4 * Units;
  static constexpr std::size_t step_floats = 5 * Units, carry_floats = 3 * Units;

  typename Options::activation_type activation{};
  typename Options::recurrent_activation_type recurrent_activation{};

  template <class D>
  static constexpr void describe(D& d) {
    if constexpr (!reset_after) d.word("reset_after", "false");
  }

  template <class T>
  static void initialize_bias(std::span<T> b, rng& r) {
    typename Options::bias_initializer_type{}(b, bias_rows == 2 ? 2 : width, width, r);
  }

  template <class Product, class T>
  void forward_rows(const Product& product, const step_rows<T>& io, const recurrent_weights<const T>& w) const {
    using kernels::matrix_ref;
    const matrix_ref<const T> u_zr{w.recurrent_kernel, Units, 2 * Units, width};
    const matrix_ref<const T> u_h{w.recurrent_kernel + 2 * Units, Units, Units, width};
    const T* rb = w.recurrent_bias;
    recurrent_product(product, io.prev, io.prev_stride, u_zr, matrix_ref<T>{io.block + gates_offset, io.n, 2 * Units, io.stride},
                      {.bias = rb, .accumulate = true});
    if constexpr (reset_after)
      recurrent_product(product, io.prev, io.prev_stride, u_h, matrix_ref<T>{io.block + aux_offset, io.n, Units, io.stride},
                        {.bias = rb ? rb + 2 * Units : nullptr});
    static constexpr std::array<T, Units> zeros{};
    const auto& sa = recurrent_activation;
    for (std::size_t s = 0; s < io.n; ++s) {
      T* b = io.block + s * io.stride;
      const T* h_prev = io.prev ? io.prev + s * io.prev_stride : zeros.data();
      T* z = b + gates_offset;
      T* aux = b + aux_offset;
      for_lanes<T, Units>([&](std::size_t j, auto lane) {
        using V = typename decltype(lane)::type;
        const V zz = sa.apply_simd(lane_load<V>(z + j));
        const V rr = sa.apply_simd(lane_load<V>(z + Units + j));
        lane_store(z + j, zz);
        lane_store(z + Units + j, rr);
        if constexpr (reset_after) lane_store(z + 2 * Units + j, lane_load<V>(z + 2 * Units + j) + rr * lane_load<V>(aux + j));
        else lane_store(aux + j, rr * lane_load<V>(h_prev + j));
      });
    }
    if constexpr (!reset_after)
      if (io.prev)
        product(matrix_ref<const T>{io.block + aux_offset, io.n, Units, io.stride}, u_h,
                matrix_ref<T>{io.block + gates_offset + 2 * Units, io.n, Units, io.stride}, {.accumulate = true});
    const auto& a = activation;
    for (std::size_t s = 0; s < io.n; ++s) {
      T* b = io.block + s * io.stride;
      const T* h_prev = io.prev ? io.prev + s * io.prev_stride : zeros.data();
      T* z = b + gates_offset;
      for_lanes<T, Units>([&](std::size_t j, auto lane) {
        using V = typename decltype(lane)::type;
        const V zz = lane_load<V>(z + j);
        const V hh = a.apply_simd(lane_load<V>(z + 2 * Units + j));
        lane_store(z + 2 * Units + j, hh);
        lane_store(b + j, zz * lane_load<V>(h_prev + j) + (detail::simd_splat<V>(1) - zz) * hh);
      });
    }
  }

  template <class T>
  void backward_rows(const step_rows<T>& io, const step_carry<T>& carry, const recurrent_weights<const T>& w,
                     const recurrent_weights<T>& g) const {
    using kernels::matrix_ref;
    static constexpr std::array<T, Units> zeros{};
    const auto& a = activation;
    const auto& sa = recurrent_activation;
    const std::size_t n = io.n;
    for (std::size_t s = 0; s < n; ++s) {
      T* z = io.block + s * io.stride + gates_offset;
      const T* aux = io.block + s * io.stride + aux_offset;
      const T* h_prev = io.prev ? io.prev + s * io.prev_stride : zeros.data();
      T* c = carry.data + s * carry.stride;  // dh, direct, daux
      for_lanes<T, Units>([&](std::size_t j, auto lane) {
        using V = typename decltype(lane)::type;
        const V zz = lane_load<V>(z + j), rr = lane_load<V>(z + Units + j), hh = lane_load<V>(z + 2 * Units + j);
        const V dh = lane_load<V>(c + j), hp = lane_load<V>(h_prev + j);
        const V dph = a.backward_simd(hh, dh * (detail::simd_splat<V>(1) - zz));
        lane_store(z + j, sa.backward_simd(zz, dh * (hp - hh)));
        lane_store(z + 2 * Units + j, dph);
        lane_store(c + Units + j, dh * zz);
        if constexpr (reset_after) {
          lane_store(z + Units + j, sa.backward_simd(rr, dph * lane_load<V>(aux + j)));
          lane_store(c + 2 * Units + j, dph * rr);
        }
      });
    }
    const matrix_ref<const T> dzr{io.block + gates_offset, n, 2 * Units, io.stride};
    const matrix_ref<const T> dph{io.block + gates_offset + 2 * Units, n, Units, io.stride};
    const matrix_ref<const T> daux{carry.data + 2 * Units, n, Units, carry.stride};
    const matrix_ref<const T> u_zr{w.recurrent_kernel, Units, 2 * Units, width};
    const matrix_ref<const T> u_h{w.recurrent_kernel + 2 * Units, Units, Units, width};
    const matrix_ref<T> du_zr{g.recurrent_kernel, Units, 2 * Units, width};
    const matrix_ref<T> du_h{g.recurrent_kernel + 2 * Units, Units, Units, width};
    if constexpr (!reset_after) {
      // d(r h) = dph U_h^T; then dr = d(r h) h and the direct part gains d(r h) r.
      kernels::matmul(dph, u_h.transposed(), matrix_ref<T>{carry.data + 2 * Units, n, Units, carry.stride});
      for (std::size_t s = 0; s < n; ++s) {
        T* z = io.block + s * io.stride + gates_offset;
        const T* h_prev = io.prev ? io.prev + s * io.prev_stride : zeros.data();
        T* c = carry.data + s * carry.stride;
        for_lanes<T, Units>([&](std::size_t j, auto lane) {
          using V = typename decltype(lane)::type;
          const V rr = lane_load<V>(z + Units + j), d = lane_load<V>(c + 2 * Units + j);
          lane_store(z + Units + j, sa.backward_simd(rr, d * lane_load<V>(h_prev + j)));
          lane_store(c + Units + j, lane_load<V>(c + Units + j) + d * rr);
        });
      }
      if (io.prev)
        kernels::matmul(matrix_ref<const T>{io.block + aux_offset, n, Units, io.stride}.transposed(), dph, du_h,
                        {.accumulate = true});
    } else {
      if (io.prev)
        kernels::matmul(matrix_ref<const T>{io.prev, n, Units, io.prev_stride}.transposed(), daux, du_h,
                        {.accumulate = true});
      if (T* db = g.recurrent_bias)
        for (std::size_t s = 0; s < n; ++s)
          for (std::size_t j = 0; j < Units; ++j) {
            db[j] += dzr(s, j);
            db[Units + j] += dzr(s, Units + j);
            db[2 * Units + j] += daux(s, j);
          }
    }
    if (!io.prev) return;  // the first step: its previous state is no parameter's function
    kernels::matmul(matrix_ref<const T>{io.prev, n, Units, io.prev_stride}.transposed(), dzr, du_zr, {.accumulate = true});
    const matrix_ref<T> dh{carry.data, n, Units, carry.stride};
    kernels::matmul(dzr, u_zr.transposed(), dh);
    if constexpr (reset_after) kernels::matmul(daux, u_h.transposed(), dh, {.accumulate = true});
    for (std::size_t s = 0; s < n; ++s)
      for (std::size_t j = 0; j < Units; ++j) dh(s, j) += carry.data[s * carry.stride + Units + j];
  }
};

// ctnn::gru's spec side: its name, its own options, its error tag.
struct gru_kind {
  static constexpr std::string_view kind = "gru";
  static constexpr bool takes_recurrent_activation = true, takes_unit_forget_bias = false, takes_reset_after = true;
  struct unknown_option {
    template <std::size_t Position, class Layer, class InputShape>
    struct report {
      static_assert(layer_accepts<Position, Layer, InputShape>,
                    "ctnn::sequential: the layer at Position has an option it does not take (gru takes an activation, recurrent_activation<A>, use_bias<bool>, kernel_initializer<I>, recurrent_initializer<I>, bias_initializer<I>, reset_after<bool>, kernel_regularizer<R>, recurrent_regularizer<R>, bias_regularizer<R>, return_sequences<bool> and go_backwards<bool>)");
    };
  };
  template <std::size_t Units, class Options>
  using cell = gru_cell<Units, Options>;
};

}  // namespace ctnn::detail
CTNN_DETAIL_SIMD_END
