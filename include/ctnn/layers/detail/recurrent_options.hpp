#pragma once
// The options of the recurrent layers (simple_rnn, lstm, gru), as Keras' keyword arguments, and
// their defaults: an activation (tanh), recurrent_activation<A> (sigmoid; lstm and gru),
// use_bias<bool> (true), kernel_initializer<I> (glorot_uniform), recurrent_initializer<I>
// (orthogonal), bias_initializer<I> (zeros), unit_forget_bias<bool> (true; lstm),
// reset_after<bool> (true; gru), return_sequences<bool> (false), go_backwards<bool> (false),
// kernel_regularizer<R>, recurrent_regularizer<R>, bias_regularizer<R> (none).
// Kind says which of the layer-specific ones a layer takes (Kind::takes_recurrent_activation,
// takes_unit_forget_bias, takes_reset_after).
#include <cstddef>
#include <type_traits>

#include "../../activations/sigmoid.hpp"
#include "../../activations/tanh.hpp"
#include "../../initializers/orthogonal.hpp"
#include "../go_backwards.hpp"
#include "../recurrent_activation.hpp"
#include "../recurrent_initializer.hpp"
#include "../recurrent_regularizer.hpp"
#include "../reset_after.hpp"
#include "../return_sequences.hpp"
#include "../unit_forget_bias.hpp"
#include "weight_options.hpp"

namespace ctnn::detail {

template <class Kind, class T>
struct is_recurrent_option
    : std::bool_constant<activation<T> || is_kernel_initializer<T>::value || is_recurrent_initializer<T>::value ||
                         is_bias_initializer<T>::value || is_use_bias<T>::value ||
                         is_kernel_regularizer<T>::value || is_recurrent_regularizer<T>::value ||
                         is_bias_regularizer<T>::value || is_return_sequences<T>::value ||
                         is_go_backwards<T>::value ||
                         (Kind::takes_recurrent_activation && is_recurrent_activation<T>::value) ||
                         (Kind::takes_unit_forget_bias && is_unit_forget_bias<T>::value) ||
                         (Kind::takes_reset_after && is_reset_after<T>::value)> {};

// The options a recurrent layer shares with dense and conv2d (the kernel's and the bias's
// initializers and regularizers, use_bias) are parsed by weight_options; the activation's default
// differs (tanh), and the rest are the recurrent layers' own.
template <class... Options>
struct recurrent_options {
 private:
  using common = weight_options<Options...>;
  template <template <class> class Is>
  static constexpr bool once = count_options<Is, Options...> <= 1;

 public:
  using activation_type = find_option_t<is_activation_option, tanh, Options...>;
  using recurrent_activation_type =
      typename find_option_t<is_recurrent_activation, recurrent_activation<sigmoid>, Options...>::type;
  using kernel_initializer_type = typename common::kernel_initializer_type;
  using recurrent_initializer_type =
      typename find_option_t<is_recurrent_initializer, recurrent_initializer<init::orthogonal>, Options...>::type;
  using bias_initializer_type = typename common::bias_initializer_type;
  using kernel_regularizer_type = typename common::kernel_regularizer_type;
  using recurrent_regularizer_type =
      typename find_option_t<is_recurrent_regularizer, recurrent_regularizer<no_regularizer>, Options...>::type;
  using bias_regularizer_type = typename common::bias_regularizer_type;
  static constexpr bool has_bias = common::has_bias;
  static constexpr bool unit_forget_bias = find_option_t<is_unit_forget_bias, ctnn::unit_forget_bias<true>, Options...>::value;
  static constexpr bool reset_after = find_option_t<is_reset_after, ctnn::reset_after<true>, Options...>::value;
  static constexpr bool return_sequences =
      find_option_t<is_return_sequences, ctnn::return_sequences<false>, Options...>::value;
  static constexpr bool go_backwards = find_option_t<is_go_backwards, ctnn::go_backwards<false>, Options...>::value;

  // No kind of option given twice.
  static constexpr bool each_kind_once = common::each_kind_once && once<is_recurrent_activation> &&
                                         once<is_recurrent_initializer> && once<is_recurrent_regularizer> &&
                                         once<is_unit_forget_bias> && once<is_reset_after> &&
                                         once<is_return_sequences> && once<is_go_backwards>;
};

}  // namespace ctnn::detail
