#pragma once
// Keras' recurrent_activation= of ctnn::lstm and ctnn::gru: the activation of the gates (default
// ctnn::sigmoid); the layer's plain activation option is that of the candidate and the output.
#include <type_traits>

#include "../activations/activation.hpp"

namespace ctnn {

template <elementwise_activation A> struct recurrent_activation { using type = A; };

namespace detail {
template <class T> struct is_recurrent_activation : std::false_type {};
template <class A> struct is_recurrent_activation<recurrent_activation<A>> : std::true_type {};
}  // namespace detail

}  // namespace ctnn
