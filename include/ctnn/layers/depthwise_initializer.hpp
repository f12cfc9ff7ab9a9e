#pragma once
// Keras' depthwise_initializer= of ctnn::depthwise_conv2d and ctnn::separable_conv2d: how the
// depthwise kernel (kh, kw, in_channels, depth_multiplier) starts. Keras' default is
// init::glorot_uniform, with Keras' fans of that shape: kh kw in_channels in, kh kw
// depth_multiplier out.
#include <type_traits>

#include "../initializers/initializer.hpp"

namespace ctnn {

template <initializer I> struct depthwise_initializer { using type = I; };

namespace detail {
template <class T> struct is_depthwise_initializer : std::false_type {};
template <class I> struct is_depthwise_initializer<depthwise_initializer<I>> : std::true_type {};
}  // namespace detail

}  // namespace ctnn
