#pragma once
// Keras' pointwise_initializer= of ctnn::separable_conv2d: how the pointwise kernel (1, 1,
// in_channels * depth_multiplier, filters) starts. Keras' default is init::glorot_uniform, with
// Keras' fans of that shape: in_channels depth_multiplier in, filters out.
#include <type_traits>

#include "../initializers/initializer.hpp"

namespace ctnn {

template <initializer I> struct pointwise_initializer { using type = I; };

namespace detail {
template <class T> struct is_pointwise_initializer : std::false_type {};
template <class I> struct is_pointwise_initializer<pointwise_initializer<I>> : std::true_type {};
}  // namespace detail

}  // namespace ctnn
