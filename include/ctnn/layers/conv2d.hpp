#pragma once
// ctnn::conv2d<Filters, kernel<Kh, Kw>, Options...>: Keras' Conv2D over channels-last samples
// (height, width, channels). y = f(conv(x, W) + b) with W of shape (Kh, Kw, in_channels,
// Filters), as Keras stores it. Options, in any order: an activation (default ctnn::linear),
// strides<Sh, Sw> (default 1), padding::valid or padding::same (default valid),
// dilation_rate<Dh, Dw> (default 1; above 1 only with strides of 1, as in Keras),
// kernel_initializer<I> (default glorot_uniform), bias_initializer<I> (default zeros),
// use_bias<bool> (default true), kernel_regularizer<R> and bias_regularizer<R> (default none).
//
// Output size per axis, Keras': valid (in - D (K - 1) - 1) / S + 1, same ceil(in / S) (padding
// split as layers/padding.hpp says, with the dilated kernel's span D (K - 1) + 1).
//
// Evaluation: one im2col lowering and one matrix product, shared with conv1d
// (layers/detail/convolution.hpp).
#include <array>
#include <cstddef>
#include <string_view>
#include <type_traits>

#include "../core/layer.hpp"
#include "../core/shape.hpp"
#include "../detail/check_link.hpp"
#include "../detail/options.hpp"
#include "detail/convolution.hpp"
#include "detail/kernel_and_bias.hpp"
#include "detail/weight_options.hpp"
#include "detail/window2d.hpp"
#include "dilation_rate.hpp"
#include "kernel.hpp"
#include "padding.hpp"
#include "strides.hpp"

namespace ctnn {

namespace detail {
template <class T>
struct is_conv2d_option : std::bool_constant<is_weight_option<T>::value || is_strides<T>::value ||
                                             is_padding<T>::value || is_dilation_rate<T>::value> {};
}  // namespace detail

template <std::size_t Filters, class Kernel, class... Options>
struct conv2d {
  static_assert(detail::is_kernel<Kernel>::value,
                "ctnn::conv2d<Filters, Kernel, Options...>: Kernel must be ctnn::kernel<Height, Width>");

  using ctnn_layer_spec = void;
  static constexpr std::string_view kind = "conv2d";
  static constexpr std::size_t filters = Filters;
  static constexpr std::size_t kernel_height = detail::window_dims<Kernel>::height;
  static constexpr std::size_t kernel_width = detail::window_dims<Kernel>::width;
  using options = detail::weight_options<Options...>;
  using strides_type = detail::find_option_t<detail::is_strides, strides<1, 1>, Options...>;
  using padding_type = detail::find_option_t<detail::is_padding, padding::valid, Options...>;
  using dilation_type = detail::find_option_t<detail::is_dilation_rate, dilation_rate<1, 1>, Options...>;
  static constexpr std::size_t dilation_height = dilation_type::rows, dilation_width = dilation_type::columns;
  static constexpr detail::window_padding padding_mode = detail::window_padding_of<padding_type>;
  static constexpr bool same_padding = padding_mode == detail::window_padding::same;

  // Its own error tag (detail/check_link.hpp); the window's are layers/detail/window2d.hpp's.
  struct unknown_option {
    template <std::size_t Position, class Layer, class InputShape>
    struct report {
      static_assert(detail::layer_accepts<Position, Layer, InputShape>,
                    "ctnn::sequential: the layer at Position has an option it does not take (conv2d takes an activation, strides<Sh, Sw>, a padding, dilation_rate<Dh, Dw>, kernel_initializer<I>, bias_initializer<I>, use_bias<bool>, kernel_regularizer<R> and bias_regularizer<R>)");
    };
  };

  template <class In>
  static constexpr auto validate() {
    if constexpr (!(detail::is_conv2d_option<Options>::value && ...)) return unknown_option{};
    else if constexpr (!options::each_kind_once || detail::count_options<detail::is_strides, Options...> > 1 ||
                       detail::count_options<detail::is_padding, Options...> > 1 ||
                       detail::count_options<detail::is_dilation_rate, Options...> > 1)
      return detail::option_twice{};
    else if constexpr (padding_mode == detail::window_padding::causal) return detail::causal_padding_refused{};
    else if constexpr (In::rank != 3) return detail::needs_rank_3{};
    else if constexpr (Filters == 0) return detail::zero_units{};
    else
      return detail::validate_window<In, kernel_height, kernel_width, strides_type::rows,
                                     strides_type::columns, padding_mode, dilation_height, dilation_width>();
  }

  // The bound layer's parameters (kernel (Kh, Kw, in_channels, Filters), bias, their
  // initializers and regularizers, the activation) are those of every layer with a kernel and a
  // bias; Keras' fans for a convolution kernel: receptive field times channels in / filters out.
  template <class In>
  using parameters_of = detail::kernel_and_bias<options, kernel_height * kernel_width * In::dims[2],
                                                kernel_height * kernel_width * Filters, kernel_height,
                                                kernel_width, In::dims[2], Filters>;

  template <class In>
  using geometry = detail::window2d<In, kernel_height, kernel_width, strides_type::rows, strides_type::columns,
                                    padding_mode, dilation_height, dilation_width>;

  template <class In>
  class layer : public detail::convolution<geometry<In>, parameters_of<In>> {
    using window = geometry<In>;

   public:
    using input_shape = In;
    using output_shape = shape<window::out_h, window::out_w, Filters>;
    static constexpr std::string_view kind = conv2d::kind;
    static constexpr std::size_t in_h = window::in_h, in_w = window::in_w;
    static constexpr std::size_t out_h = window::out_h, out_w = window::out_w;
    static constexpr std::size_t pad_top = window::pad_top, pad_left = window::pad_left;

    // The window, for the network description (layer_traits<L>::describe); its dilation only
    // when there is one, so the descriptions (and fingerprints) of undilated conv2d layers are
    // what they were before conv2d took dilation_rate.
    template <class D>
    static constexpr void describe(D& d) {
      detail::describe_window(d, std::array{kernel_height, kernel_width},
                              std::array{strides_type::rows, strides_type::columns}, padding_mode);
      detail::describe_dilation(d, std::array{dilation_height, dilation_width});
    }
  };
};

}  // namespace ctnn
