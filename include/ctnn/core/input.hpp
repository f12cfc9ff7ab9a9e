#pragma once
#include <cstddef>

#include "shape.hpp"

namespace ctnn {

// The first entry of every network: the shape of one sample, without the batch dimension
// (Keras' Input(shape=...)). Channels last for images: input<28, 28, 1>.
template <std::size_t... Dims>
struct input {
  static_assert(sizeof...(Dims) > 0, "ctnn::input<Dims...> needs at least one dimension, e.g. ctnn::input<784>");
  static_assert(!shape<Dims...>::has_zero_dimension,
                "ctnn::input<Dims...> has a dimension of size 0; every dimension of a sample must be at least 1");
  using shape_type = shape<Dims...>;
};

namespace detail {
template <class T> struct is_input : std::false_type {};
template <std::size_t... D> struct is_input<input<D...>> : std::true_type {};
}  // namespace detail

}  // namespace ctnn
