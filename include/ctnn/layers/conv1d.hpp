#pragma once
// ctnn::conv1d<Filters, kernel<K>, Options...>: Keras' Conv1D over channels-last sequences
// (steps, channels). y = f(conv(x, W) + b) with W of shape (K, in_channels, Filters), as Keras
// stores it. Options, in any order: an activation (default ctnn::linear), strides<S> (default 1),
// padding::valid, padding::same or padding::causal (default valid; layers/padding.hpp),
// dilation_rate<D> (default 1; above 1 only with stride 1, as in Keras), kernel_initializer<I>
// (default glorot_uniform), bias_initializer<I> (default zeros), use_bias<bool> (default true),
// kernel_regularizer<R> and bias_regularizer<R> (default none). The window options take one
// size: kernel<3>, strides<2>, dilation_rate<2> (kernel<3, 5> is refused; kernel<3, 3> is the same
// type as kernel<3>).
//
// Output length, Keras': valid (steps - D (K - 1) - 1) / S + 1, same ceil(steps / S) with Keras'
// padding split, causal D (K - 1) zeros before the input, then valid: (steps - 1) / S + 1.
//
// Evaluation: conv2d's, a window of height K and width 1, its rows D apart, over the
// (steps, 1, channels) view of the input (layers/detail/convolution.hpp).
//
// Streaming (layer_traits<L>::streams): a causal conv1d with stride 1 runs one step at a time.
// Its state is the last D (K - 1) input steps, oldest first (a shift register: all of the state
// is floats, nothing else to save or copy); step() gathers the window of the new step into one row
// of K * channels values and computes f(row . W + b) with the product forward uses on its rows.
#include <array>
#include <cstddef>
#include <cstring>
#include <string_view>
#include <type_traits>

#include "../core/layer.hpp"
#include "../core/shape.hpp"
#include "../detail/check_link.hpp"
#include "../detail/options.hpp"
#include "../kernels/affine.hpp"
#include "detail/convolution.hpp"
#include "detail/kernel_and_bias.hpp"
#include "detail/weight_options.hpp"
#include "detail/window1d.hpp"
#include "detail/window2d.hpp"
#include "dilation_rate.hpp"
#include "kernel.hpp"
#include "padding.hpp"
#include "strides.hpp"

namespace ctnn {

namespace detail {
template <class T>
struct is_conv1d_option : std::bool_constant<is_weight_option<T>::value || is_strides<T>::value ||
                                             is_padding<T>::value || is_dilation_rate<T>::value> {};
}  // namespace detail

template <std::size_t Filters, class Kernel, class... Options>
struct conv1d {
  static_assert(detail::is_kernel<Kernel>::value,
                "ctnn::conv1d<Filters, Kernel, Options...>: Kernel must be ctnn::kernel<Size>");

  using ctnn_layer_spec = void;
  static constexpr std::string_view kind = "conv1d";
  static constexpr std::size_t filters = Filters;
  static constexpr std::size_t kernel_length = detail::window_dims<Kernel>::height;
  using options = detail::weight_options<Options...>;
  using strides_type = detail::find_option_t<detail::is_strides, strides<1>, Options...>;
  using padding_type = detail::find_option_t<detail::is_padding, padding::valid, Options...>;
  using dilation_type = detail::find_option_t<detail::is_dilation_rate, dilation_rate<1>, Options...>;
  static constexpr std::size_t stride = strides_type::rows;
  static constexpr std::size_t dilation = dilation_type::rate;
  static constexpr detail::window_padding padding_mode = detail::window_padding_of<padding_type>;

  // Its own error tag (detail/check_link.hpp); the window's are layers/detail/window2d.hpp's and
  // window1d.hpp's.
  struct unknown_option {
    template <std::size_t Position, class Layer, class InputShape>
    struct report {
      static_assert(detail::layer_accepts<Position, Layer, InputShape>,
                    "ctnn::sequential: the layer at Position has an option it does not take (conv1d takes an activation, strides<S>, a padding, dilation_rate<D>, kernel_initializer<I>, bias_initializer<I>, use_bias<bool>, kernel_regularizer<R> and bias_regularizer<R>)");
    };
  };

  template <class In>
  static constexpr auto validate() {
    if constexpr (!(detail::is_conv1d_option<Options>::value && ...)) return unknown_option{};
    else if constexpr (!options::each_kind_once || detail::count_options<detail::is_strides, Options...> > 1 ||
                       detail::count_options<detail::is_padding, Options...> > 1 ||
                       detail::count_options<detail::is_dilation_rate, Options...> > 1)
      return detail::option_twice{};
    else if constexpr (In::rank != 2) return detail::needs_rank_2{};
    else if constexpr (detail::window_dims<Kernel>::width != kernel_length || strides_type::columns != stride ||
                       dilation_type::columns != dilation)
      return detail::needs_one_size{};
    else if constexpr (Filters == 0) return detail::zero_units{};
    else
      return detail::validate_window<detail::steps_as_2d<In>, kernel_length, 1, stride, 1, padding_mode, dilation>();
  }

  template <class In>
  using geometry = detail::window2d<detail::steps_as_2d<In>, kernel_length, 1, stride, 1, padding_mode, dilation>;

  // Kernel (K, in_channels, Filters) and bias, as conv2d's; Keras' fans: K times channels in /
  // filters out.
  template <class In>
  using parameters_of = detail::kernel_and_bias<options, kernel_length * In::dims[1], kernel_length * Filters,
                                                kernel_length, In::dims[1], Filters>;

  // Only a causal convolution moving by one step sees no future input: it can stream.
  static constexpr bool streams = padding_mode == detail::window_padding::causal && stride == 1;

  template <class In>
  class layer : public detail::convolution<geometry<In>, parameters_of<In>> {
    using base = detail::convolution<geometry<In>, parameters_of<In>>;
    using window = geometry<In>;

   public:
    using input_shape = In;
    using output_shape = shape<window::out_h, Filters>;
    static constexpr std::string_view kind = conv1d::kind;
    static constexpr std::size_t steps = window::in_h, out_steps = window::out_h;
    static constexpr std::size_t pad_before = window::pad_top;
    // The input steps a streaming step keeps: every one its window reaches back to.
    static constexpr std::size_t history = streams ? dilation * (kernel_length - 1) : 0;
    static constexpr std::size_t streaming_state_size = history * base::in_channels;

    template <class D>
    static constexpr void describe(D& d) {
      detail::describe_window(d, std::array{kernel_length}, std::array{stride}, padding_mode);
      d.dims("dilation_rate", std::array{dilation});
    }

    // One time step (core/layer.hpp, step_io): io.x is the new step's channels, io.y the
    // output's Filters values, io.state the last `history` steps. The window of the new step is
    // tap k = step t - (K - 1 - k) D: state step k D for k < K - 1, then x.
    template <class T>
      requires streams
    void step(const step_io<T>& io) const {
      constexpr std::size_t c = base::in_channels;
      std::array<T, base::patch_size> row;
      for (std::size_t k = 0; k + 1 < kernel_length; ++k)
        std::memcpy(row.data() + k * c, io.state + k * dilation * c, c * sizeof(T));
      std::memcpy(row.data() + (kernel_length - 1) * c, io.x, c * sizeof(T));
      kernels::affine_forward(1, Filters, base::patch_size, row.data(), io.params, base::bias_of(io.params), io.y,
                              this->activation);
      if constexpr (history > 0) {
        std::memmove(io.state, io.state + c, (history - 1) * c * sizeof(T));
        std::memcpy(io.state + (history - 1) * c, io.x, c * sizeof(T));
      }
    }
  };
};

}  // namespace ctnn
