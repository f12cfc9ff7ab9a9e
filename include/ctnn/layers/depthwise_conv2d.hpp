#pragma once
// ctnn::depthwise_conv2d<kernel<Kh, Kw>, Options...>: Keras' DepthwiseConv2D over channels-last
// samples (height, width, channels): each input channel convolved with its own depth_multiplier
// kernels, channels never mixed,
//   y(oy, ox, c M + m) = f(sum over taps of x(iy, ix, c) W(ky, kx, c, m) + b(c M + m)),
// output (out_h, out_w, in_channels * M). Tensors as Keras 3 names and stores them: "kernel"
// (Kh, Kw, in_channels, M) and "bias" (in_channels * M).
//
// Options, in any order, Keras' keyword arguments and defaults: depth_multiplier<M> (1), an
// activation (ctnn::linear), strides<Sh, Sw> (1), padding::valid or padding::same (valid),
// dilation_rate<Dh, Dw> (1; above 1 only with strides of 1), use_bias<bool> (true),
// depthwise_initializer<I> (glorot_uniform, Keras' fans of the kernel's shape: Kh Kw in_channels
// in, Kh Kw M out), bias_initializer<I> (zeros), depthwise_regularizer<R> and
// bias_regularizer<R> (none). Keras' keyword names are kept for the options; the run-time
// regularizer factors are the members every layer with a kernel and a bias has,
// kernel_regularizer (the depthwise one: Keras 3 names that tensor "kernel") and
// bias_regularizer, and the activation is `activation`, as dense's.
//
// Output size: conv2d's (layers/padding.hpp), with the dilated kernel's span.
//
// Evaluation: the depthwise step (layers/detail/depthwise.hpp) with the bias added as each output
// row starts, then the activation in one pass, row by row (kernels::activate: a sample's
// values do not depend on its place in the batch); backward, the activation's derivative and the bias
// gradient in one pass (kernels::activate_backward_sum), then the step's kernel and input
// gradients. ctnn::separable_conv2d is this layer (without a bias) followed by a 1x1 conv2d.
#include <array>
#include <cstddef>
#include <string_view>
#include <type_traits>

#include "../activations/activation.hpp"
#include "../activations/linear.hpp"
#include "../core/layer.hpp"
#include "../core/shape.hpp"
#include "../detail/check_link.hpp"
#include "../detail/options.hpp"
#include "../initializers/glorot_uniform.hpp"
#include "../initializers/zeros.hpp"
#include "../kernels/activation.hpp"
#include "depth_multiplier.hpp"
#include "depthwise_initializer.hpp"
#include "depthwise_regularizer.hpp"
#include "detail/depthwise.hpp"
#include "detail/kernel_and_bias.hpp"
#include "detail/regularization.hpp"
#include "detail/weight_options.hpp"
#include "detail/window2d.hpp"
#include "dilation_rate.hpp"
#include "kernel.hpp"
#include "options.hpp"
#include "padding.hpp"
#include "strides.hpp"

namespace ctnn {

namespace detail {
// The window options of the depthwise layers (depthwise_conv2d, separable_conv2d), their
// defaults and their one validation against an input.
template <class T>
struct is_depthwise_window_option : std::bool_constant<is_strides<T>::value || is_padding<T>::value ||
                                                       is_dilation_rate<T>::value || is_depth_multiplier<T>::value> {};

template <class... Options>
struct depthwise_window_options {
  using strides_type = find_option_t<is_strides, strides<1, 1>, Options...>;
  using padding_type = find_option_t<is_padding, padding::valid, Options...>;
  using dilation_type = find_option_t<is_dilation_rate, dilation_rate<1, 1>, Options...>;
  static constexpr std::size_t multiplier = find_option_t<is_depth_multiplier, depth_multiplier<1>, Options...>::value;
  static constexpr window_padding padding_mode = window_padding_of<padding_type>;
  static constexpr bool each_kind_once =
      count_options<is_strides, Options...> <= 1 && count_options<is_padding, Options...> <= 1 &&
      count_options<is_dilation_rate, Options...> <= 1 && count_options<is_depth_multiplier, Options...> <= 1;

  // What is wrong, if anything, with a Kh x Kw depthwise window over In.
  template <class In, std::size_t Kh, std::size_t Kw>
  static constexpr auto validate() {
    if constexpr (padding_mode == window_padding::causal) return causal_padding_refused{};
    else if constexpr (In::rank != 3) return needs_rank_3{};
    else if constexpr (multiplier == 0) return zero_depth_multiplier{};
    else
      return validate_window<In, Kh, Kw, strides_type::rows, strides_type::columns, padding_mode, dilation_type::rows,
                             dilation_type::columns>();
  }

  template <class In, std::size_t Kh, std::size_t Kw>
  using geometry = window2d<In, Kh, Kw, strides_type::rows, strides_type::columns, padding_mode, dilation_type::rows,
                            dilation_type::columns>;

  // Window, strides, padding, dilation (when not 1 x 1) and depth multiplier, for the network
  // description.
  template <class D>
  static constexpr void describe(D& d, std::size_t kh, std::size_t kw) {
    describe_window(d, std::array{kh, kw}, std::array{strides_type::rows, strides_type::columns}, padding_mode);
    describe_dilation(d, std::array{dilation_type::rows, dilation_type::columns});
    d.dims("depth_multiplier", std::array{multiplier});
  }
};

// depthwise_conv2d's weight options, under the member names of weight_options (what
// basic_kernel_and_bias reads): Keras' depthwise_initializer and depthwise_regularizer are the
// kernel's.
template <class T>
struct is_depthwise_weight_option
    : std::bool_constant<activation<T> || is_depthwise_initializer<T>::value || is_bias_initializer<T>::value ||
                         is_use_bias<T>::value || is_depthwise_regularizer<T>::value ||
                         is_bias_regularizer<T>::value> {};

template <class... Options>
struct depthwise_weight_options {
  using activation_type = find_option_t<is_activation_option, linear, Options...>;
  using kernel_initializer_type =
      typename find_option_t<is_depthwise_initializer, depthwise_initializer<init::glorot_uniform>, Options...>::type;
  using bias_initializer_type =
      typename find_option_t<is_bias_initializer, bias_initializer<init::zeros>, Options...>::type;
  using kernel_regularizer_type =
      typename find_option_t<is_depthwise_regularizer, depthwise_regularizer<no_regularizer>, Options...>::type;
  using bias_regularizer_type =
      typename find_option_t<is_bias_regularizer, bias_regularizer<no_regularizer>, Options...>::type;
  static constexpr bool has_bias = find_option_t<is_use_bias, use_bias<true>, Options...>::value;
  static constexpr bool each_kind_once =
      count_options<is_activation_option, Options...> <= 1 && count_options<is_depthwise_initializer, Options...> <= 1 &&
      count_options<is_bias_initializer, Options...> <= 1 && count_options<is_use_bias, Options...> <= 1 &&
      count_options<is_depthwise_regularizer, Options...> <= 1 && count_options<is_bias_regularizer, Options...> <= 1;
};
}  // namespace detail

template <class Kernel, class... Options>
struct depthwise_conv2d {
  using ctnn_layer_spec = void;
  static constexpr std::string_view kind = "depthwise_conv2d";
  static constexpr std::size_t kernel_height = detail::window_dims<Kernel>::height;
  static constexpr std::size_t kernel_width = detail::window_dims<Kernel>::width;
  using options = detail::depthwise_weight_options<Options...>;
  using window_options = detail::depthwise_window_options<Options...>;
  using strides_type = typename window_options::strides_type;
  using padding_type = typename window_options::padding_type;
  using dilation_type = typename window_options::dilation_type;
  static constexpr std::size_t multiplier = window_options::multiplier;

  struct unknown_option {
    template <std::size_t Position, class Layer, class InputShape>
    struct report {
      static_assert(detail::layer_accepts<Position, Layer, InputShape>,
                    "ctnn::sequential: the layer at Position has an option it does not take (depthwise_conv2d takes depth_multiplier<M>, an activation, strides<Sh, Sw>, a padding, dilation_rate<Dh, Dw>, use_bias<bool>, depthwise_initializer<I>, bias_initializer<I>, depthwise_regularizer<R> and bias_regularizer<R>)");
    };
  };

  // Checked where the network is composed, as every other mistake, so that it is one error.
  template <class In>
  static constexpr auto validate() {
    if constexpr (!detail::is_kernel<Kernel>::value) return detail::not_a_kernel{};
    else if constexpr (!((detail::is_depthwise_weight_option<Options>::value ||
                     detail::is_depthwise_window_option<Options>::value) &&
                    ...))
      return unknown_option{};
    else if constexpr (!options::each_kind_once || !window_options::each_kind_once) return detail::option_twice{};
    else return window_options::template validate<In, kernel_height, kernel_width>();
  }

  template <class In>
  using geometry = typename window_options::template geometry<In, kernel_height, kernel_width>;

  // Kernel (Kh, Kw, in_channels, M) and bias (in_channels * M); Keras' fans of that kernel.
  template <class In>
  using parameters_of =
      detail::basic_kernel_and_bias<options, kernel_height * kernel_width * In::dims[2],
                                    kernel_height * kernel_width * multiplier, In::dims[2] * multiplier,
                                    kernel_height, kernel_width, In::dims[2], multiplier>;

  template <class In>
  class layer : public parameters_of<In> {
    using window = geometry<In>;
    using parameters_type = parameters_of<In>;
    using product = detail::depthwise_product<window, multiplier>;
    static constexpr std::size_t out_channels = product::out_channels;

   public:
    using input_shape = In;
    using output_shape = shape<window::out_h, window::out_w, out_channels>;
    static constexpr std::string_view kind = depthwise_conv2d::kind;
    static constexpr std::size_t pad_top = window::pad_top, pad_left = window::pad_left;

    template <class D>
    static constexpr void describe(D& d) {
      window_options::describe(d, kernel_height, kernel_width);
    }

    // y = f(depthwise(x, W) + b); with a preactivation buffer (a fused loss wants the logits), z
    // is kept there first.
    template <class T>
    void forward(const forward_io<T>& io, pass_context&) const {
      const std::size_t rows = io.n * product::positions;
      product::forward(io.x, io.params, parameters_type::bias_of(io.params), io.y, io.n);
      if (io.preactivation) std::copy(io.y, io.y + rows * out_channels, io.preactivation);
      kernels::activate(this->activation, io.y, rows, out_channels);
    }

    // Reports its gradients to ctx.gradients (core/gradient_guard.hpp) after writing them.
    static constexpr bool checks_gradients = true;

    // dz = dy f'(z) (in place) and db = column sums of dz in one pass, then dW and dx.
    template <class T>
    void backward(const backward_io<T>& io, pass_context& ctx) const {
      const std::size_t rows = io.n * product::positions;
      T* db = parameters_type::bias_of(io.grads);
      if constexpr (parameters_type::has_bias || !std::is_same_v<typename options::activation_type, linear>)
        kernels::activate_backward_sum(this->activation, io.y, io.dy, rows, out_channels, db, io.dy_is_preactivation);
      product::backward(io.x, io.params, io.dy, io.grads, io.dx, io.n);
      if (ctx.gradients) {
        ctx.gradients->check(io.grads, product::kernel_size);
        if (db) ctx.gradients->check(db, out_channels);
      }
    }
  };
};

}  // namespace ctnn
