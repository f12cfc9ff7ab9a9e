#pragma once
// Keras' depthwise_regularizer= of ctnn::depthwise_conv2d and ctnn::separable_conv2d: a penalty
// on the depthwise kernel (none by default). Its factor is a run-time member of the bound layer:
// depthwise_conv2d's kernel_regularizer (Keras 3 names that tensor "kernel"), separable_conv2d's
// depthwise.kernel_regularizer (see their headers).
#include <type_traits>

#include "../regularizers/regularizer.hpp"

namespace ctnn {

template <regularizer R> struct depthwise_regularizer { using type = R; };

namespace detail {
template <class T> struct is_depthwise_regularizer : std::false_type {};
template <class R> struct is_depthwise_regularizer<depthwise_regularizer<R>> : std::true_type {};
}  // namespace detail

}  // namespace ctnn
