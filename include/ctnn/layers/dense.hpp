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
#include "detail/weight_options.hpp"
#include "../kernels/activation.hpp"
#include "../kernels/affine.hpp"
#include "../kernels/matmul.hpp"
#include "../kernels/matrix_ref.hpp"
#include "detail/kernel_and_bias.hpp"

namespace ctnn {

template <std::size_t Units, class... Options>
struct dense {
  using ctnn_layer_spec = void;
  static constexpr std::string_view kind = "dense";
  static constexpr std::size_t units = Units;
  using options = detail::weight_options<Options...>;

  // Its error tags (detail/check_link.hpp).
  struct unknown_option {
    template <std::size_t Position, class Layer, class InputShape>
    struct report {
      static_assert(detail::layer_accepts<Position, Layer, InputShape>,
                    "ctnn::sequential: the layer at Position has an option it does not take (dense takes an activation, kernel_initializer<I>, bias_initializer<I>, use_bias<bool>, kernel_regularizer<R> and bias_regularizer<R>)");
    };
  };
  struct needs_rank_1_or_2 {
    template <std::size_t Position, class Layer, class InputShape>
    struct report {
      static_assert(detail::layer_accepts<Position, Layer, InputShape>,
                    "ctnn::sequential: the layer at Position needs a rank-1 or rank-2 input (features, or steps x features) but receives InputShape; insert ctnn::flatten before it");
    };
  };

  template <class In>
  static constexpr auto validate() {
    if constexpr (!(detail::is_weight_option<Options>::value && ...)) return unknown_option{};
    else if constexpr (!options::each_kind_once) return detail::option_twice{};
    else if constexpr (Units == 0) return detail::zero_units{};
    else if constexpr (In::rank != 1 && In::rank != 2) return needs_rank_1_or_2{};
    else return detail::link_ok{};
  }

  // The bound layer's parameters (kernel (in_features, Units), bias, their initializers and
  // regularizers, the activation) are those of every layer with a kernel and a bias.
  template <class In>
  using parameters_of = detail::kernel_and_bias<options, In::dims[In::rank - 1], Units, In::dims[In::rank - 1], Units>;

  template <class In>
  class layer : public parameters_of<In> {
    using base = parameters_of<In>;

   public:
    using input_shape = In;
    static constexpr std::string_view kind = dense::kind;
    static constexpr std::size_t in_features = In::dims[In::rank - 1];
    // Rows of the product per sample: 1, or the steps of a sequence.
    static constexpr std::size_t steps = In::size / in_features;
    using output_shape = std::conditional_t<In::rank == 1, shape<Units>, shape<steps, Units>>;
    using base::activation;

    // Per sample: z, for an activation whose derivative reads it (kernel_and_bias'
    // keeps_preactivation); nothing otherwise.
    static constexpr std::size_t workspace_size = base::keeps_preactivation ? steps * Units : 0;

    // y = f(x W + b) in one product: the bias and an element-wise f are applied to the sums in
    // registers (kernels::fused_activation); a row-wise f (softmax) then runs over the rows.
    // With io.preactivation (a fused loss wants the logits), or z kept in the workspace: z
    // first, kept, then f over it.
    template <class T>
    void forward(const forward_io<T>& io, pass_context&) const {
      T* const z = base::preactivation_target(io.workspace, io.preactivation);
      kernels::affine_forward(io.n * steps, Units, in_features, io.x, io.params,
                              base::bias_of(io.params), io.y, activation, z);
      base::copy_logits(io.workspace, io.preactivation, io.n * steps * Units);
    }

    // One time step of a sequence (model::step): the same map on one step's features.
    template <class T>
      requires(In::rank == 2)
    void step(const step_io<T>& io) const {
      kernels::affine_forward(1, Units, in_features, io.x, io.params, base::bias_of(io.params), io.y, activation);
    }

    // dz = dy f'(z) (in place) and db = column sums of dz in one pass, then dW = x^T dz and
    // dx = dz W^T.
    // Reports its gradients to ctx.gradients (core/gradient_guard.hpp): the kernel's as the
    // product stores them, the bias's after the pass that sums them.
    static constexpr bool checks_gradients = true;

    template <class T>
    void backward(const backward_io<T>& io, pass_context& ctx) const {
      const std::size_t rows = io.n * steps;
      const T* const kept = io.workspace;  // z, when the activation's derivative reads it
      kernels::affine_backward(rows, Units, in_features, io.x, kernels::derivative_operand(activation, io.y, kept),
                               io.dy, io.grads,
                               base::bias_of(io.grads), activation, io.dy_is_preactivation,
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
