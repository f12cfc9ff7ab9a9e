#pragma once
// The cell of ctnn::simple_rnn, Keras' SimpleRNNCell: h' = a(x kernel + h recurrent_kernel + bias).
// Block of a step: h, which is also its one gate (the pre-activation becomes h in place). Carry:
// dL/dh.
#include "../../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
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
struct simple_rnn_cell {
  static constexpr std::string_view kind = "simple_rnn";
  static constexpr std::size_t units = Units, gates = 1, width = Units, bias_rows = 1;
  static constexpr std::size_t state_floats = Units, gates_offset = 0, step_floats = Units, carry_floats = Units;

  typename Options::activation_type activation{};

  template <class D>
  static constexpr void describe(D&) {}

  template <class T>
  static void initialize_bias(std::span<T> b, rng& r) {
    typename Options::bias_initializer_type{}(b, width, width, r);
  }

  template <class Product, class T>
  void forward_rows(const Product& product, const step_rows<T>& io, const recurrent_weights<const T>& w) const {
    recurrent_product(product, io.prev, io.prev_stride, kernels::matrix_ref<const T>{w.recurrent_kernel, Units, Units},
                      kernels::matrix_ref<T>{io.block, io.n, Units, io.stride}, {.accumulate = true});
    const auto& a = activation;
    for (std::size_t s = 0; s < io.n; ++s) {
      T* h = io.block + s * io.stride;
      for_lanes<T, Units>([&](std::size_t j, auto lane) {
        using V = typename decltype(lane)::type;
        lane_store(h + j, a.apply_simd(lane_load<V>(h + j)));
      });
    }
  }

  template <class T>
  void backward_rows(const step_rows<T>& io, const step_carry<T>& carry, const recurrent_weights<const T>& w,
                     const recurrent_weights<T>& g) const {
    const auto& a = activation;
    for (std::size_t s = 0; s < io.n; ++s) {
      T* h = io.block + s * io.stride;
      const T* dh = carry.data + s * carry.stride;
      for_lanes<T, Units>([&](std::size_t j, auto lane) {
        using V = typename decltype(lane)::type;
        lane_store(h + j, a.backward_simd(lane_load<V>(h + j), lane_load<V>(dh + j)));
      });
    }
    if (!io.prev) return;  // the first step: its previous state is no parameter's function
    const kernels::matrix_ref<const T> dz{io.block, io.n, Units, io.stride};
    kernels::matmul(kernels::matrix_ref<const T>{io.prev, io.n, Units, io.prev_stride}.transposed(), dz,
                    kernels::matrix_ref<T>{g.recurrent_kernel, Units, Units}, {.accumulate = true});
    kernels::matmul(dz, kernels::matrix_ref<const T>{w.recurrent_kernel, Units, Units}.transposed(),
                    kernels::matrix_ref<T>{carry.data, io.n, Units, carry.stride});
  }
};

// ctnn::simple_rnn's spec side: its name, its own options (none beyond the common ones), its
// error tag.
struct simple_rnn_kind {
  static constexpr std::string_view kind = "simple_rnn";
  static constexpr bool takes_recurrent_activation = false, takes_unit_forget_bias = false, takes_reset_after = false;
  struct unknown_option {
    template <std::size_t Position, class Layer, class InputShape>
    struct report {
      static_assert(layer_accepts<Position, Layer, InputShape>,
                    "ctnn::sequential: the layer at Position has an option it does not take (simple_rnn takes an activation, use_bias<bool>, kernel_initializer<I>, recurrent_initializer<I>, bias_initializer<I>, kernel_regularizer<R>, recurrent_regularizer<R>, bias_regularizer<R>, return_sequences<bool> and go_backwards<bool>)");
    };
  };
  template <std::size_t Units, class Options>
  using cell = simple_rnn_cell<Units, Options>;
};

}  // namespace ctnn::detail
CTNN_DETAIL_SIMD_END
