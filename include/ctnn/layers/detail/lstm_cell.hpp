#pragma once
// The cell of ctnn::lstm, Keras' LSTMCell: gates i, f, c, o in that order (the blocks of kernel,
// recurrent_kernel and bias), z = x kernel + h recurrent_kernel + bias,
//   i = sa(z_i), f = sa(z_f), g = a(z_c), o = sa(z_o), c' = f c + i g, h' = o a(c')
// with a the activation and sa the recurrent activation. Block of a step: h, c, then the four
// gates' values (after their activations). Carry: dL/dh, dL/dc.
#include "../../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <string_view>

#include "../../detail/check_link.hpp"
#include "../../detail/random.hpp"
#include "../../kernels/matmul.hpp"
#include "../../kernels/matrix_ref.hpp"
#include "recurrent_kernels.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn::detail {

template <std::size_t Units, class Options>
struct lstm_cell {
  static constexpr std::string_view kind = "lstm";
  static constexpr std::size_t units = Units, gates = 4, width = 4 * Units, bias_rows = 1;
  static constexpr std::size_t state_floats = 2 * Units, gates_offset = 2 * Units;
  static constexpr std::size_t step_floats = 6 * Units, carry_floats = 2 * Units;

  typename Options::activation_type activation{};
  typename Options::recurrent_activation_type recurrent_activation{};

  // unit_forget_bias only changes how the bias starts: like the initializers, not described.
  template <class D>
  static constexpr void describe(D&) {}

  // Keras: with unit_forget_bias, bias_initializer fills the i and (c, o) parts, as tensors of
  // Units and 2 Units values, and the forget part is ones.
  template <class T>
  static void initialize_bias(std::span<T> b, rng& r) {
    using init = typename Options::bias_initializer_type;
    if constexpr (Options::unit_forget_bias) {
      init{}(b.subspan(0, Units), Units, Units, r);
      std::fill(b.begin() + Units, b.begin() + 2 * Units, T(1));
      init{}(b.subspan(2 * Units, 2 * Units), 2 * Units, 2 * Units, r);
    } else {
      init{}(b, width, width, r);
    }
  }

  template <class Product, class T>
  void forward_rows(const Product& product, const step_rows<T>& io, const recurrent_weights<const T>& w) const {
    recurrent_product(product, io.prev, io.prev_stride, kernels::matrix_ref<const T>{w.recurrent_kernel, Units, width},
                      kernels::matrix_ref<T>{io.block + gates_offset, io.n, width, io.stride}, {.accumulate = true});
    static constexpr std::array<T, Units> zeros{};
    for (std::size_t s = 0; s < io.n; ++s) {
      T* b = io.block + s * io.stride;
      const T* c_prev = io.prev ? io.prev + s * io.prev_stride + Units : zeros.data();
      gate_row(b, c_prev);
    }
  }

  // One row: the gates' pre-activations at b + 2 Units become their values, then c and h.
  template <class T>
  void gate_row(T* b, const T* c_prev) const {
    T* h = b;
    T* c = b + Units;
    T* z = b + gates_offset;
    const auto& a = activation;
    const auto& sa = recurrent_activation;
    for_lanes<T, Units>([&](std::size_t j, auto lane) {
      using V = typename decltype(lane)::type;
      const V i = sa.apply_simd(lane_load<V>(z + j));
      const V f = sa.apply_simd(lane_load<V>(z + Units + j));
      const V g = a.apply_simd(lane_load<V>(z + 2 * Units + j));
      const V o = sa.apply_simd(lane_load<V>(z + 3 * Units + j));
      const V cn = f * lane_load<V>(c_prev + j) + i * g;
      lane_store(z + j, i);
      lane_store(z + Units + j, f);
      lane_store(z + 2 * Units + j, g);
      lane_store(z + 3 * Units + j, o);
      lane_store(c + j, cn);
      lane_store(h + j, o * a.apply_simd(cn));
    });
  }

  template <class T>
  void backward_rows(const step_rows<T>& io, const step_carry<T>& carry, const recurrent_weights<const T>& w,
                     const recurrent_weights<T>& g) const {
    static constexpr std::array<T, Units> zeros{};
    const auto& a = activation;
    const auto& sa = recurrent_activation;
    for (std::size_t s = 0; s < io.n; ++s) {
      T* b = io.block + s * io.stride;
      const T* c = b + Units;
      T* z = b + gates_offset;
      const T* c_prev = io.prev ? io.prev + s * io.prev_stride + Units : zeros.data();
      const T* dh = carry.data + s * carry.stride;
      T* dc = carry.data + s * carry.stride + Units;
      for_lanes<T, Units>([&](std::size_t j, auto lane) {
        using V = typename decltype(lane)::type;
        const V i = lane_load<V>(z + j), f = lane_load<V>(z + Units + j);
        const V gg = lane_load<V>(z + 2 * Units + j), o = lane_load<V>(z + 3 * Units + j);
        const V dhv = lane_load<V>(dh + j);
        const V ac = a.apply_simd(lane_load<V>(c + j));
        const V dcv = lane_load<V>(dc + j) + a.backward_simd(ac, dhv * o);
        lane_store(z + j, sa.backward_simd(i, dcv * gg));
        lane_store(z + Units + j, sa.backward_simd(f, dcv * lane_load<V>(c_prev + j)));
        lane_store(z + 2 * Units + j, a.backward_simd(gg, dcv * i));
        lane_store(z + 3 * Units + j, sa.backward_simd(o, dhv * ac));
        lane_store(dc + j, dcv * f);
      });
    }
    if (!io.prev) return;  // the first step: its previous state is no parameter's function
    const kernels::matrix_ref<const T> dz{io.block + gates_offset, io.n, width, io.stride};
    kernels::matmul(kernels::matrix_ref<const T>{io.prev, io.n, Units, io.prev_stride}.transposed(), dz,
                    kernels::matrix_ref<T>{g.recurrent_kernel, Units, width}, {.accumulate = true});
    kernels::matmul(dz, kernels::matrix_ref<const T>{w.recurrent_kernel, Units, width}.transposed(),
                    kernels::matrix_ref<T>{carry.data, io.n, Units, carry.stride});
  }
};

// ctnn::lstm's spec side: its name, its own options, its error tag.
struct lstm_kind {
  static constexpr std::string_view kind = "lstm";
  static constexpr bool takes_recurrent_activation = true, takes_unit_forget_bias = true, takes_reset_after = false;
  struct unknown_option {
    template <std::size_t Position, class Layer, class InputShape>
    struct report {
      static_assert(layer_accepts<Position, Layer, InputShape>,
                    "ctnn::sequential: the layer at Position has an option it does not take (lstm takes an activation, recurrent_activation<A>, use_bias<bool>, kernel_initializer<I>, recurrent_initializer<I>, bias_initializer<I>, unit_forget_bias<bool>, kernel_regularizer<R>, recurrent_regularizer<R>, bias_regularizer<R>, return_sequences<bool> and go_backwards<bool>)");
    };
  };
  template <std::size_t Units, class Options>
  using cell = lstm_cell<Units, Options>;
};

}  // namespace ctnn::detail
CTNN_DETAIL_SIMD_END
