#pragma once
// ctnn::separable_conv2d<Filters, kernel<Kh, Kw>, Options...>: Keras' SeparableConv2D over
// channels-last samples (height, width, channels): a depthwise convolution (each input channel
// by its own depth_multiplier kernels, no bias), then a pointwise 1x1 convolution mixing the
// in_channels * M channels into Filters, with the bias and the activation:
//   y = f(pointwise(depthwise(x, D), P) + b)
// output (out_h, out_w, Filters). Tensors as Keras 3 names and stores them: "depthwise_kernel"
// (Kh, Kw, in_channels, M), "pointwise_kernel" (1, 1, in_channels * M, Filters), "bias" (Filters).
//
// Options, in any order, Keras' keyword arguments and defaults: depth_multiplier<M> (1), an
// activation (ctnn::linear), strides<Sh, Sw> (1), padding::valid or padding::same (valid;
// strides and padding are the depthwise step's, the pointwise step is 1x1),
// dilation_rate<Dh, Dw> (1; above 1 only with strides of 1), use_bias<bool> (true),
// depthwise_initializer<I> and pointwise_initializer<I> (glorot_uniform, each with Keras' fans
// of its kernel's shape), bias_initializer<I> (zeros), depthwise_regularizer<R>,
// pointwise_regularizer<R> and bias_regularizer<R> (none).
//
// Composition: the bound layer *is* its two steps, each a bound layer of its own and a public
// member: `depthwise`, a ctnn::depthwise_conv2d<Kernel, ..., use_bias<false>> on the input, and
// `pointwise`, a ctnn::conv2d<Filters, kernel<1>, ...> on the depthwise output (conv2d's
// pointwise path: its input is the column matrix, one product). Their run-time hyperparameters
// are theirs: the activation is pointwise.activation, the regularizer factors
// depthwise.kernel_regularizer, pointwise.kernel_regularizer and pointwise.bias_regularizer. The
// layer's arena slice is the depthwise slice, then the pointwise slice (kernel, bias); the
// depthwise output (and, backward, its gradient) lives in the workspace between the two.
#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <string_view>
#include <type_traits>

#include "../activations/activation.hpp"
#include "../activations/linear.hpp"
#include "../core/layer.hpp"
#include "../core/layer_traits.hpp"
#include "../core/shape.hpp"
#include "../detail/check_link.hpp"
#include "../detail/options.hpp"
#include "../detail/random.hpp"
#include "../initializers/glorot_uniform.hpp"
#include "../initializers/zeros.hpp"
#include "conv2d.hpp"
#include "depthwise_conv2d.hpp"
#include "depthwise_initializer.hpp"
#include "depthwise_regularizer.hpp"
#include "detail/regularization.hpp"
#include "detail/weight_options.hpp"
#include "kernel.hpp"
#include "options.hpp"
#include "pointwise_initializer.hpp"
#include "pointwise_regularizer.hpp"

namespace ctnn {

namespace detail {
template <class T>
struct is_separable_weight_option
    : std::bool_constant<activation<T> || is_depthwise_initializer<T>::value || is_pointwise_initializer<T>::value ||
                         is_bias_initializer<T>::value || is_use_bias<T>::value || is_depthwise_regularizer<T>::value ||
                         is_pointwise_regularizer<T>::value || is_bias_regularizer<T>::value> {};

// The weight options of separable_conv2d, each with its Keras default, and whether each kind is
// given at most once.
template <class... Options>
struct separable_weight_options {
  using activation_type = find_option_t<is_activation_option, linear, Options...>;
  using depthwise_initializer_type = find_option_t<is_depthwise_initializer, depthwise_initializer<init::glorot_uniform>, Options...>;
  using pointwise_initializer_type = find_option_t<is_pointwise_initializer, pointwise_initializer<init::glorot_uniform>, Options...>;
  using bias_initializer_type = find_option_t<is_bias_initializer, bias_initializer<init::zeros>, Options...>;
  using depthwise_regularizer_type = find_option_t<is_depthwise_regularizer, depthwise_regularizer<no_regularizer>, Options...>;
  using pointwise_regularizer_type = find_option_t<is_pointwise_regularizer, pointwise_regularizer<no_regularizer>, Options...>;
  using bias_regularizer_type = find_option_t<is_bias_regularizer, bias_regularizer<no_regularizer>, Options...>;
  using use_bias_type = find_option_t<is_use_bias, use_bias<true>, Options...>;
  static constexpr bool each_kind_once =
      count_options<is_activation_option, Options...> <= 1 && count_options<is_depthwise_initializer, Options...> <= 1 &&
      count_options<is_pointwise_initializer, Options...> <= 1 && count_options<is_bias_initializer, Options...> <= 1 &&
      count_options<is_use_bias, Options...> <= 1 && count_options<is_depthwise_regularizer, Options...> <= 1 &&
      count_options<is_pointwise_regularizer, Options...> <= 1 && count_options<is_bias_regularizer, Options...> <= 1;
};
}  // namespace detail

template <std::size_t Filters, class Kernel, class... Options>
struct separable_conv2d {
  using ctnn_layer_spec = void;
  static constexpr std::string_view kind = "separable_conv2d";
  static constexpr std::size_t filters = Filters;
  static constexpr std::size_t kernel_height = detail::window_dims<Kernel>::height;
  static constexpr std::size_t kernel_width = detail::window_dims<Kernel>::width;
  using options = detail::separable_weight_options<Options...>;
  using window_options = detail::depthwise_window_options<Options...>;
  static constexpr std::size_t multiplier = window_options::multiplier;

  // The two steps, as specs: the depthwise convolution without a bias or an activation, then the
  // 1x1 convolution with the bias and the activation.
  using depthwise_spec =
      depthwise_conv2d<Kernel, typename window_options::strides_type, typename window_options::padding_type,
                       typename window_options::dilation_type, depth_multiplier<multiplier>, use_bias<false>,
                       typename options::depthwise_initializer_type,
                       depthwise_regularizer<typename options::depthwise_regularizer_type::type>>;
  using pointwise_spec =
      conv2d<Filters, kernel<1, 1>, typename options::activation_type, typename options::use_bias_type,
             kernel_initializer<typename options::pointwise_initializer_type::type>,
             typename options::bias_initializer_type,
             kernel_regularizer<typename options::pointwise_regularizer_type::type>,
             typename options::bias_regularizer_type>;

  struct unknown_option {
    template <std::size_t Position, class Layer, class InputShape>
    struct report {
      static_assert(detail::layer_accepts<Position, Layer, InputShape>,
                    "ctnn::sequential: the layer at Position has an option it does not take (separable_conv2d takes depth_multiplier<M>, an activation, strides<Sh, Sw>, a padding, dilation_rate<Dh, Dw>, use_bias<bool>, depthwise_initializer<I>, pointwise_initializer<I>, bias_initializer<I>, depthwise_regularizer<R>, pointwise_regularizer<R> and bias_regularizer<R>)");
    };
  };

  template <class In>
  static constexpr auto validate() {
    if constexpr (!detail::is_kernel<Kernel>::value) return detail::not_a_kernel{};
    else if constexpr (!((detail::is_separable_weight_option<Options>::value ||
                     detail::is_depthwise_window_option<Options>::value) &&
                    ...))
      return unknown_option{};
    else if constexpr (!options::each_kind_once || !window_options::each_kind_once) return detail::option_twice{};
    else if constexpr (Filters == 0) return detail::zero_units{};
    else return window_options::template validate<In, kernel_height, kernel_width>();
  }

  template <class In>
  class layer {
   public:
    using depthwise_layer = typename depthwise_spec::template layer<In>;
    using middle_shape = typename depthwise_layer::output_shape;
    using pointwise_layer = typename pointwise_spec::template layer<middle_shape>;

    using input_shape = In;
    using output_shape = typename pointwise_layer::output_shape;
    static constexpr std::string_view kind = separable_conv2d::kind;

    // The depthwise slice, then the pointwise slice (each SIMD-aligned: a slice's storage is).
    static constexpr std::size_t pointwise_offset = depthwise_layer::parameter_storage;
    static constexpr std::size_t parameter_storage = pointwise_offset + pointwise_layer::parameter_storage;
    static constexpr std::size_t parameter_count = depthwise_layer::parameter_count + pointwise_layer::parameter_count;
    // The steps' tensors under Keras' names, at their places in this layer's slice.
    static constexpr auto parameters = [] {
      constexpr auto d = depthwise_layer::parameters;
      constexpr auto p = pointwise_layer::parameters;
      std::array<parameter_info, d.size() + p.size()> all{};
      all[0] = d[0];
      all[0].name = "depthwise_kernel";
      for (std::size_t i = 0; i < p.size(); ++i) {
        all[1 + i] = p[i];
        all[1 + i].offset += pointwise_offset;
      }
      all[1].name = "pointwise_kernel";
      return all;
    }();

    // Per sample: the depthwise output, the pointwise step's input, then its gradient.
    static constexpr std::size_t middle_size = middle_shape::size;
    static constexpr std::size_t workspace_size = 2 * middle_size + layer_traits<depthwise_layer>::workspace_size +
                                                  layer_traits<pointwise_layer>::workspace_size;
    static_assert(layer_traits<depthwise_layer>::workspace_size == 0 && layer_traits<pointwise_layer>::workspace_size == 0,
                  "separable_conv2d: both steps run without a workspace of their own");

    using activation_type = typename pointwise_layer::activation_type;
    static constexpr bool checks_gradients =
        layer_traits<depthwise_layer>::checks_gradients && layer_traits<pointwise_layer>::checks_gradients;
    static constexpr bool regularized =
        layer_traits<depthwise_layer>::regularized || layer_traits<pointwise_layer>::regularized;

    depthwise_layer depthwise{};
    pointwise_layer pointwise{};

    template <class D>
    static constexpr void describe(D& d) {
      window_options::describe(d, kernel_height, kernel_width);
    }

    template <class T>
    void initialize(std::span<T> p, detail::rng& r) const {
      depthwise.initialize(p.subspan(0, pointwise_offset), r);
      pointwise.initialize(p.subspan(pointwise_offset, pointwise_layer::parameter_storage), r);
    }

    template <class T>
    void forward(const forward_io<T>& io, pass_context& ctx) const {
      T* middle = io.workspace;
      depthwise.forward(forward_io<T>{io.params, io.x, middle, io.n}, ctx);
      pointwise.forward(forward_io<T>{io.params + pointwise_offset, middle, io.y, io.n, nullptr, io.preactivation}, ctx);
    }

    template <class T>
    void backward(const backward_io<T>& io, pass_context& ctx) const {
      const T* middle = io.workspace;
      T* d_middle = io.workspace + io.n * middle_size;
      pointwise.backward(backward_io<T>{io.params + pointwise_offset, io.grads + pointwise_offset, middle, io.y, io.dy,
                                        d_middle, io.n, io.dy_is_preactivation},
                         ctx);
      depthwise.backward(backward_io<T>{io.params, io.grads, io.x, middle, d_middle, io.dx, io.n}, ctx);
    }

    // The steps' penalties over their slices (layers/detail/regularization.hpp).
    template <class T, std::size_t N>
    double penalty(const std::array<parameter_info, N>&, const T* params) const {
      return depthwise.penalty(depthwise_layer::parameters, params) +
             pointwise.penalty(pointwise_layer::parameters, params + pointwise_offset);
    }
    template <class T, std::size_t N>
    void add_gradient(const std::array<parameter_info, N>&, const T* params, T* grads) const {
      depthwise.add_gradient(depthwise_layer::parameters, params, grads);
      pointwise.add_gradient(pointwise_layer::parameters, params + pointwise_offset, grads + pointwise_offset);
    }
  };
};

}  // namespace ctnn
