#pragma once
// One check per link of a network, where it is composed. Each spec reports what is wrong with
// an input shape as a link_error (Spec::validate<InputShape>()); check_link turns that into one
// static_assert sentence. The position, the spec and the shape are check_link's template
// arguments (and those of layer_accepts in clang's "requirement" line), so the compiler prints
// them next to the sentence.
#include <cstddef>

namespace ctnn::detail {

enum class link_error {
  none,
  zero_units,
  needs_rank_1_or_2,
  needs_rank_3,
  zero_window,
  zero_stride,
  window_too_large,
  dropout_rate,
  gaussian_noise_stddev,
  unknown_option,
  option_twice,
};

// What a spec says about an input shape; specs without a validate() (activations) accept any.
template <class Layer, class InputShape>
constexpr link_error validate_link() {
  if constexpr (requires { Layer::template validate<InputShape>(); })
    return Layer::template validate<InputShape>();
  else
    return link_error::none;
}

template <link_error E, std::size_t Position, class Layer, class InputShape>
inline constexpr bool layer_accepts = validate_link<Layer, InputShape>() != E;

template <std::size_t Position, class Layer, class InputShape>
struct check_link {
  static constexpr link_error error = validate_link<Layer, InputShape>();
  static constexpr bool ok = error == link_error::none;

  static_assert(layer_accepts<link_error::zero_units, Position, Layer, InputShape>,
                "ctnn::sequential: the layer at Position has 0 units; every layer needs at least one output");
  static_assert(layer_accepts<link_error::needs_rank_1_or_2, Position, Layer, InputShape>,
                "ctnn::sequential: the layer at Position needs a rank-1 or rank-2 input (features, or steps x features) but receives InputShape; insert ctnn::flatten before it");
  static_assert(layer_accepts<link_error::needs_rank_3, Position, Layer, InputShape>,
                "ctnn::sequential: the layer at Position (2D convolution or pooling) needs a rank-3 input (height, width, channels) but receives InputShape; images are channels-last, e.g. ctnn::input<28, 28, 1>");
  static_assert(layer_accepts<link_error::zero_window, Position, Layer, InputShape>,
                "ctnn::sequential: the layer at Position has a kernel or pool window with a dimension of 0; every window dimension must be at least 1");
  static_assert(layer_accepts<link_error::zero_stride, Position, Layer, InputShape>,
                "ctnn::sequential: the layer at Position has a stride of 0; every stride must be at least 1");
  static_assert(layer_accepts<link_error::window_too_large, Position, Layer, InputShape>,
                "ctnn::sequential: the layer at Position has a kernel or pool window larger than its input InputShape; with ctnn::padding::valid every window must fit inside the input (use a smaller window, or ctnn::padding::same)");
  static_assert(layer_accepts<link_error::dropout_rate, Position, Layer, InputShape>,
                "ctnn::sequential: the layer at Position (dropout) has a rate outside [0, 1); the rate is the fraction of values dropped in training");
  static_assert(layer_accepts<link_error::gaussian_noise_stddev, Position, Layer, InputShape>,
                "ctnn::sequential: the layer at Position (gaussian_noise) has a negative or non-finite standard deviation; the noise's stddev must be a finite value of at least 0");
  static_assert(layer_accepts<link_error::unknown_option, Position, Layer, InputShape>,
                "ctnn::sequential: the layer at Position has an option it does not take (dense and conv2d take an activation, kernel_initializer<I>, bias_initializer<I>, use_bias<bool>, kernel_regularizer<R> and bias_regularizer<R>; conv2d and pooling strides<Sh, Sw> and a padding; batch_normalization center<bool> and scale<bool>)");
  static_assert(layer_accepts<link_error::option_twice, Position, Layer, InputShape>,
                "ctnn::sequential: the layer at Position is given the same kind of option twice (two activations, say); each kind of option may be given once");
};

}  // namespace ctnn::detail
