#pragma once
// Keras' reset_after= of ctnn::gru: true (the default, cuDNN's convention) applies the reset gate
// after the recurrent product, r * (h U_h + b_rh), with separate input and recurrent biases (bias
// of shape (2, 3 units)); false applies it before, (r * h) U_h, with one bias (3 units).
#include <type_traits>

namespace ctnn {

template <bool Enabled> struct reset_after { static constexpr bool value = Enabled; };

namespace detail {
template <class T> struct is_reset_after : std::false_type {};
template <bool B> struct is_reset_after<reset_after<B>> : std::true_type {};
}  // namespace detail

}  // namespace ctnn
