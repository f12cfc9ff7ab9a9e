#pragma once
// What the 1D sliding-window layers (ctnn::conv1d, max_pool1d, average_pool1d) share: their
// (steps, channels) samples viewed as (steps, 1, channels), the same memory, so that the 2D window
// geometry (window2d.hpp) with a window of width 1 is theirs; the error tags of the 1D link check.
#include <cstddef>

#include "../../core/shape.hpp"
#include "../../detail/check_link.hpp"

namespace ctnn::detail {

// Only for rank-2 shapes (a 1D layer's validate() checks the rank first).
template <class In>
using steps_as_2d = shape<In::dims[0], 1, In::dims[1]>;

struct needs_rank_2 {
  template <std::size_t Position, class Layer, class InputShape>
  struct report {
    static_assert(layer_accepts<Position, Layer, InputShape>,
                  "ctnn::sequential: the layer at Position (1D convolution or pooling) needs a rank-2 input (steps, channels) but receives InputShape; sequences are channels-last, e.g. ctnn::input<100, 1>");
  };
};
struct needs_one_size {
  template <std::size_t Position, class Layer, class InputShape>
  struct report {
    static_assert(layer_accepts<Position, Layer, InputShape>,
                  "ctnn::sequential: the layer at Position is one-dimensional, so its kernel, pool, strides and dilation_rate take one size each (kernel<K>, pool<P>, strides<S>, dilation_rate<D>), not two different ones");
  };
};

}  // namespace ctnn::detail
