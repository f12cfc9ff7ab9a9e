#pragma once
// ctnn::reshape<Dims...>: Keras' Reshape(target_shape): the values of a sample, in row-major
// (channels-last) order, under the shape<Dims...>. One dimension may be -1, as in Keras: it is
// whatever the input's size leaves (reshape<-1, 1> of a (12) input is (12, 1)). The target must
// hold exactly the input's values: another size is one compile error where the network is
// composed, as is a dimension of 0 or below -1, or a second -1. The values do not change; the
// model gives every layer its own output buffer, so forward copies them there (as flatten).
#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>

#include "../core/layer.hpp"
#include "../core/shape.hpp"
#include "../detail/check_link.hpp"
#include "detail/relabeling_layer.hpp"

namespace ctnn {

template <std::ptrdiff_t... Dims>
struct reshape {
  using ctnn_layer_spec = void;
  static constexpr std::string_view kind = "reshape";
  static constexpr std::size_t rank = sizeof...(Dims);
  static constexpr std::size_t inferred = ((Dims == -1 ? 1 : 0) + ... + 0);  // how many -1
  // The product of the dimensions given (the -1 left out).
  static constexpr std::size_t known_size = (std::size_t{1} * ... * (Dims == -1 ? 1 : static_cast<std::size_t>(Dims)));

  // Its error tags (detail/check_link.hpp).
  struct bad_target_shape {
    template <std::size_t Position, class Layer, class InputShape>
    struct report {
      static_assert(detail::layer_accepts<Position, Layer, InputShape>,
                    "ctnn::sequential: the layer at Position (reshape) has a target shape that is not one: it needs at least one dimension, each at least 1 or -1 (the one Keras infers), and at most one -1");
    };
  };
  struct size_mismatch {
    template <std::size_t Position, class Layer, class InputShape>
    struct report {
      static_assert(detail::layer_accepts<Position, Layer, InputShape>,
                    "ctnn::sequential: the layer at Position (reshape) has a target shape of another size than its input InputShape; the target's dimensions must multiply to the input's size (with a -1, divide it)");
    };
  };

  template <class In>
  static constexpr auto validate() {
    if constexpr (rank == 0 || inferred > 1 || ((Dims == 0 || Dims < -1) || ...)) return bad_target_shape{};
    else if constexpr (inferred == 0 ? known_size != In::size : In::size % known_size != 0) return size_mismatch{};
    else return detail::link_ok{};
  }

  // The target with its -1 filled in.
  template <class In>
  using target_shape = shape<(Dims == -1 ? In::size / known_size : static_cast<std::size_t>(Dims))...>;

  template <class In>
  using layer = detail::relabeling_layer<reshape, In, target_shape<In>>;
};

}  // namespace ctnn
