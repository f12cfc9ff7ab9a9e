#pragma once
// The error tag of the layers that work on the rows and columns of an image and have no window
// (zero_padding2d, up_sampling2d): their input must be (height, width, channels).
#include <cstddef>

#include "../../detail/check_link.hpp"

namespace ctnn::detail {

struct needs_image {
  template <std::size_t Position, class Layer, class InputShape>
  struct report {
    static_assert(layer_accepts<Position, Layer, InputShape>,
                  "ctnn::sequential: the layer at Position (zero_padding2d or up_sampling2d) needs a rank-3 input (height, width, channels) but receives InputShape; images are channels-last, e.g. ctnn::input<28, 28, 1>");
  };
};

}  // namespace ctnn::detail
