#pragma once
// Keras' recurrent_initializer= of the recurrent layers: how the recurrent kernel (units x k
// units) starts; Keras' default is init::orthogonal.
#include <type_traits>

#include "../initializers/initializer.hpp"

namespace ctnn {

template <initializer I> struct recurrent_initializer { using type = I; };

namespace detail {
template <class T> struct is_recurrent_initializer : std::false_type {};
template <class I> struct is_recurrent_initializer<recurrent_initializer<I>> : std::true_type {};
}  // namespace detail

}  // namespace ctnn
