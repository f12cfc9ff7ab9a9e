#pragma once
// Keras' pointwise_regularizer= of ctnn::separable_conv2d: a penalty on the pointwise kernel
// (none by default). Its factor is a run-time member of the bound layer,
// pointwise.kernel_regularizer (see layers/separable_conv2d.hpp).
#include <type_traits>

#include "../regularizers/regularizer.hpp"

namespace ctnn {

template <regularizer R> struct pointwise_regularizer { using type = R; };

namespace detail {
template <class T> struct is_pointwise_regularizer : std::false_type {};
template <class R> struct is_pointwise_regularizer<pointwise_regularizer<R>> : std::true_type {};
}  // namespace detail

}  // namespace ctnn
