#pragma once
// ctnn::zero_padding2d<Padding...>: Keras' ZeroPadding2D over channels-last images (height,
// width, channels): rows of zeros above and below, columns of zeros left and right. Padding is
// spelled as Keras' padding=, flattened:
//   zero_padding2d<>                            1 on every side, Keras' default padding=(1, 1)
//   zero_padding2d<P>                           P on every side (padding=P)
//   zero_padding2d<H, W>                        H above and below, W left and right (padding=(H, W))
//   zero_padding2d<Top, Bottom, Left, Right>    padding=((Top, Bottom), (Left, Right))
// Zeros are allowed, as in Keras. Output (Top + height + Bottom, Left + width + Right, channels).
#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>

#include "../core/layer.hpp"
#include "../core/shape.hpp"
#include "../detail/check_link.hpp"
#include "detail/image_rank.hpp"
#include "detail/no_parameters.hpp"

namespace ctnn {

namespace detail {
// Keras' four forms of padding=, as (top, bottom, left, right); any other count: all zeros, and
// zero_padding2d refuses it.
template <std::size_t... P>
constexpr std::array<std::size_t, 4> padding_sides() {
  constexpr std::array<std::size_t, sizeof...(P)> p{P...};
  if constexpr (sizeof...(P) == 0) return {1, 1, 1, 1};
  else if constexpr (sizeof...(P) == 1) return {p[0], p[0], p[0], p[0]};
  else if constexpr (sizeof...(P) == 2) return {p[0], p[0], p[1], p[1]};
  else if constexpr (sizeof...(P) == 4) return {p[0], p[1], p[2], p[3]};
  else return {};
}
}  // namespace detail

template <std::size_t... Padding>
struct zero_padding2d {
  using ctnn_layer_spec = void;
  static constexpr std::string_view kind = "zero_padding2d";
  static constexpr std::array<std::size_t, 4> sides = detail::padding_sides<Padding...>();
  static constexpr std::size_t top = sides[0], bottom = sides[1], left = sides[2], right = sides[3];

  // Its own error tag (detail/check_link.hpp); the rank's is layers/detail/image_rank.hpp's.
  struct padding_not_keras {
    template <std::size_t Position, class Layer, class InputShape>
    struct report {
      static_assert(detail::layer_accepts<Position, Layer, InputShape>,
                    "ctnn::sequential: the layer at Position (zero_padding2d) has a padding of 3 or more than 4 values; Keras' forms are <> (1), <P>, <Height, Width> and <Top, Bottom, Left, Right>");
    };
  };

  template <class In>
  static constexpr auto validate() {
    constexpr std::size_t count = sizeof...(Padding);
    if constexpr (count == 3 || count > 4) return padding_not_keras{};
    else if constexpr (In::rank != 3) return detail::needs_image{};
    else return detail::link_ok{};
  }

  template <class In>
  class layer : public detail::no_parameters {
    static constexpr std::size_t in_h = In::dims[0], in_w = In::dims[1], channels = In::dims[2];

   public:
    using input_shape = In;
    static constexpr std::size_t out_h = top + in_h + bottom, out_w = left + in_w + right;
    using output_shape = shape<out_h, out_w, channels>;
    static constexpr std::string_view kind = zero_padding2d::kind;

    // The padding, for the network description (layer_traits<L>::describe): the output shape
    // alone does not say how it splits between the two sides.
    template <class D>
    static constexpr void describe(D& d) {
      d.dims("padding", sides);
    }

    // Zeros, then each input row into its place.
    template <class T>
    void forward(const forward_io<T>& io, pass_context&) const {
      std::fill(io.y, io.y + io.n * output_shape::size, T(0));
      for (std::size_t s = 0; s < io.n; ++s)
        for (std::size_t r = 0; r < in_h; ++r) {
          const T* row = io.x + s * In::size + r * in_w * channels;
          std::copy(row, row + in_w * channels, io.y + s * output_shape::size + inside(r));
        }
    }
    // dL/dx: the gradient of the values that came from the input (the padding's is dropped).
    template <class T>
    void backward(const backward_io<T>& io, pass_context&) const {
      if (!io.dx) return;
      for (std::size_t s = 0; s < io.n; ++s)
        for (std::size_t r = 0; r < in_h; ++r) {
          const T* row = io.dy + s * output_shape::size + inside(r);
          std::copy(row, row + in_w * channels, io.dx + s * In::size + r * in_w * channels);
        }
    }

   private:
    // Where input row r starts in an output sample.
    static constexpr std::size_t inside(std::size_t r) { return ((top + r) * out_w + left) * channels; }
  };
};

}  // namespace ctnn
