#pragma once
// Keras' recurrent_regularizer= of the recurrent layers: a penalty on the recurrent kernel, its
// factor a run-time member of the bound layer (model.layer<I>().recurrent_regularizer.l2 = 1e-4f).
#include <type_traits>

#include "../regularizers/regularizer.hpp"

namespace ctnn {

template <regularizer R> struct recurrent_regularizer { using type = R; };

namespace detail {
template <class T> struct is_recurrent_regularizer : std::false_type {};
template <class R> struct is_recurrent_regularizer<recurrent_regularizer<R>> : std::true_type {};
}  // namespace detail

}  // namespace ctnn
