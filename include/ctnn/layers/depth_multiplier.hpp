#pragma once
// ctnn::depth_multiplier<M>: Keras' depth_multiplier= of ctnn::depthwise_conv2d and
// ctnn::separable_conv2d, the output channels the depthwise step makes from each input channel
// (in_channels * M in all). Default 1; 0 is refused where the network is composed.
#include <cstddef>
#include <type_traits>

namespace ctnn {

template <std::size_t Multiplier>
struct depth_multiplier {
  static constexpr std::size_t value = Multiplier;
};

namespace detail {
template <class T> struct is_depth_multiplier : std::false_type {};
template <std::size_t M> struct is_depth_multiplier<depth_multiplier<M>> : std::true_type {};
}  // namespace detail

}  // namespace ctnn
