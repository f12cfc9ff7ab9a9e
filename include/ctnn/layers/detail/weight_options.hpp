#pragma once
// The options every layer with a kernel and a bias takes (dense, conv2d), as Keras' keyword
// arguments, and their defaults: an activation (linear), kernel_initializer<I>
// (glorot_uniform), bias_initializer<I> (zeros), use_bias<bool> (true), kernel_regularizer<R>
// and bias_regularizer<R> (none). A layer with more options (conv2d's strides and padding)
// adds its own kinds to is_weight_option and to its count check.
#include <cstddef>
#include <type_traits>

#include "../../activations/activation.hpp"
#include "../../activations/linear.hpp"
#include "../../initializers/glorot_uniform.hpp"
#include "../../initializers/zeros.hpp"
#include "../options.hpp"
#include "../../detail/options.hpp"
#include "regularization.hpp"

namespace ctnn::detail {

template <class T> struct is_activation_option : std::bool_constant<activation<T>> {};

template <class T>
struct is_weight_option
    : std::bool_constant<activation<T> || is_kernel_initializer<T>::value ||
                         is_bias_initializer<T>::value || is_use_bias<T>::value ||
                         is_kernel_regularizer<T>::value || is_bias_regularizer<T>::value> {};

template <class... Options>
struct weight_options {
  using activation_type = find_option_t<is_activation_option, linear, Options...>;
  using kernel_initializer_type =
      typename find_option_t<is_kernel_initializer, kernel_initializer<init::glorot_uniform>, Options...>::type;
  using bias_initializer_type =
      typename find_option_t<is_bias_initializer, bias_initializer<init::zeros>, Options...>::type;
  using kernel_regularizer_type =
      typename find_option_t<is_kernel_regularizer, kernel_regularizer<no_regularizer>, Options...>::type;
  using bias_regularizer_type =
      typename find_option_t<is_bias_regularizer, bias_regularizer<no_regularizer>, Options...>::type;
  static constexpr bool has_bias = find_option_t<is_use_bias, use_bias<true>, Options...>::value;

  // No kind of option given twice.
  static constexpr bool each_kind_once =
      count_options<is_activation_option, Options...> <= 1 && count_options<is_kernel_initializer, Options...> <= 1 &&
      count_options<is_bias_initializer, Options...> <= 1 && count_options<is_use_bias, Options...> <= 1 &&
      count_options<is_kernel_regularizer, Options...> <= 1 && count_options<is_bias_regularizer, Options...> <= 1;
};

}  // namespace ctnn::detail
