#pragma once
// ctnn::dense<Units, Options...>: Keras' Dense. y = f(x W + b) with W of shape (in, Units),
// as Keras stores it, applied to the last axis of its input as Keras does: a rank-1 input
// (features) gives Units outputs, a rank-2 input (steps x features, a sequence) one row of Units
// per step. A rank-3 input (an image) is refused with a hint to flatten it first. Options, in any order: an activation (default ctnn::linear),
// kernel_initializer<I> (default glorot_uniform), bias_initializer<I> (default zeros),
// use_bias<bool> (default true), kernel_regularizer<R> and bias_regularizer<R> (default none).
#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <string_view>
#include <type_traits>

#include "../core/layer.hpp"
#include "../detail/aligned_buffer.hpp"
#include "../detail/check_link.hpp"
#include "../detail/regularization.hpp"
#include "../detail/weight_options.hpp"
#include "../kernels/affine.hpp"
#include "../kernels/matmul.hpp"
#include "../kernels/matrix_ref.hpp"

namespace ctnn {

template <std::size_t Units, class... Options>
struct dense {
  using ctnn_layer_spec = void;
  static constexpr std::string_view kind = "dense";
  static constexpr std::size_t units = Units;
  using options = detail::weight_options<Options...>;
  using activation_type = typename options::activation_type;
  using kernel_initializer_type = typename options::kernel_initializer_type;
  using bias_initializer_type = typename options::bias_initializer_type;
  using kernel_regularizer_type = typename options::kernel_regularizer_type;
  using bias_regularizer_type = typename options::bias_regularizer_type;
  static constexpr bool has_bias = options::has_bias;

  template <class In>
  static constexpr detail::link_error validate() {
    if (!(detail::is_weight_option<Options>::value && ...)) return detail::link_error::unknown_option;
    if (!options::each_kind_once) return detail::link_error::option_twice;
    if (Units == 0) return detail::link_error::zero_units;
    if (In::rank != 1 && In::rank != 2) return detail::link_error::needs_rank_1_or_2;
    return detail::link_error::none;
  }

  // The bound layer inherits its regularizers (run-time members kernel_regularizer,
  // bias_regularizer) and their penalty hooks, as every layer with a kernel does.
  template <class In>
  class layer : public detail::regularization<kernel_regularizer_type, bias_regularizer_type> {
   public:
    using input_shape = In;
    static constexpr std::string_view kind = dense::kind;
    static constexpr std::size_t in_features = In::dims[In::rank - 1];
    // Rows of the product per sample: 1, or the steps of a sequence.
    static constexpr std::size_t steps = In::size / in_features;
    using output_shape = std::conditional_t<In::rank == 1, shape<Units>, shape<steps, Units>>;
    static constexpr std::size_t bias_offset = detail::aligned_count(in_features * Units);
    static constexpr std::size_t parameter_count = in_features * Units + (has_bias ? Units : 0);
    static constexpr std::size_t parameter_storage =
        has_bias ? bias_offset + detail::aligned_count(Units) : bias_offset;

    static constexpr auto parameters = [] {
      constexpr parameter_info kernel{"kernel", {in_features, Units}, 2, in_features * Units, 0,
                                      in_features, Units, true};
      if constexpr (has_bias) {
        return std::array{kernel, parameter_info{"bias", {Units}, 1, Units, bias_offset,
                                                 in_features, Units, false}};
      } else {
        return std::array{kernel};
      }
    }();

    activation_type activation{};

    template <class T>
    void initialize(std::span<T> p, detail::rng& r) const {
      kernel_initializer_type{}(p.subspan(0, in_features * Units), in_features, Units, r);
      if constexpr (has_bias)
        bias_initializer_type{}(p.subspan(bias_offset, Units), in_features, Units, r);
    }

    // y = f(x W + b) in one product: the bias and an element-wise f are applied to the sums in
    // registers (kernels::fused_activation); a row-wise f (softmax) then runs over the rows.
    template <class T>
    // With io.preactivation (a fused loss wants the logits): z first, kept, then f over it.
    void forward(const forward_io<T>& io, pass_context&) const {
      kernels::affine_forward(io.n * steps, Units, in_features, io.x, io.params,
                              has_bias ? io.params + bias_offset : nullptr, io.y, activation, io.preactivation);
    }

    // dz = dy f'(z) (in place) and db = column sums of dz in one pass, then dW = x^T dz and
    // dx = dz W^T.
    // Reports its gradients to ctx.gradients (core/gradient_guard.hpp): the kernel's as the
    // product stores them, the bias's after the pass that sums them.
    static constexpr bool checks_gradients = true;

    template <class T>
    void backward(const backward_io<T>& io, pass_context& ctx) const {
      const std::size_t rows = io.n * steps;
      kernels::affine_backward(rows, Units, in_features, io.x, io.y, io.dy, io.grads,
                               has_bias ? io.grads + bias_offset : nullptr, activation, io.dy_is_preactivation,
                               ctx.gradients);
      const T* dz = io.dy;
      if (io.dx)
        kernels::matmul(kernels::matrix_ref{dz, rows, Units},
                        kernels::matrix_ref{io.params, in_features, Units}.transposed(),
                        kernels::matrix_ref{io.dx, rows, in_features});
    }
  };
};

}  // namespace ctnn
