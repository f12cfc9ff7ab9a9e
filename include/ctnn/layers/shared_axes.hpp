#pragma once
// ctnn::shared_axes<Axes...>: Keras' shared_axes= of ctnn::prelu, the axes along which one slope
// serves every position, numbered as Keras numbers them: 1 is a sample's first axis (0, the
// batch, is never part of a ctnn shape). After a conv2d, (height, width, channels),
// shared_axes<1, 2> gives one slope per channel. An axis named twice counts once, as in Keras.
#include <cstddef>
#include <type_traits>

namespace ctnn {

template <std::size_t... Axes>
struct shared_axes {
  // Whether axis `axis` (Keras' numbering, from 1) is shared.
  static constexpr bool shares(std::size_t axis) { return ((Axes == axis) || ...); }
  // Whether every axis named exists in a sample of rank `rank`.
  static constexpr bool within(std::size_t rank) { return ((Axes >= 1 && Axes <= rank) && ...); }
};

namespace detail {
template <class T> struct is_shared_axes : std::false_type {};
template <std::size_t... A> struct is_shared_axes<shared_axes<A...>> : std::true_type {};
}  // namespace detail

}  // namespace ctnn
