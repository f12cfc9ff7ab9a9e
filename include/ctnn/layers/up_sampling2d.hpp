#pragma once
// ctnn::up_sampling2d<Size...>: Keras' UpSampling2D over channels-last images (height, width,
// channels) with interpolation="nearest", Keras' default and the only one here: each value
// repeated Rows times down and Columns times across (Keras' ops.repeat on both axes), output
// (Rows height, Columns width, channels). Size is spelled as Keras' size=:
//   up_sampling2d<>                 size=(2, 2), Keras' default
//   up_sampling2d<S>                size=S, both axes
//   up_sampling2d<Rows, Columns>    size=(Rows, Columns)
// Each factor must be at least 1, as Keras requires. Keras' other interpolations (bilinear,
// bicubic, lanczos) are not provided. dL/dx sums the gradient over each value's copies.
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

template <std::size_t... Size>
struct up_sampling2d {
  using ctnn_layer_spec = void;
  static constexpr std::string_view kind = "up_sampling2d";
  static constexpr std::array<std::size_t, 2> size = [] {
    constexpr std::array<std::size_t, sizeof...(Size)> s{Size...};
    if constexpr (sizeof...(Size) == 0) return std::array<std::size_t, 2>{2, 2};
    else if constexpr (sizeof...(Size) == 1) return std::array{s[0], s[0]};
    else if constexpr (sizeof...(Size) == 2) return std::array{s[0], s[1]};
    else return std::array<std::size_t, 2>{};  // refused by validate
  }();
  static constexpr std::size_t rows = size[0], columns = size[1];

  // Its own error tag (detail/check_link.hpp); the rank's is layers/detail/image_rank.hpp's.
  struct size_not_keras {
    template <std::size_t Position, class Layer, class InputShape>
    struct report {
      static_assert(detail::layer_accepts<Position, Layer, InputShape>,
                    "ctnn::sequential: the layer at Position (up_sampling2d) has a size that is not one or two factors of at least 1; Keras' forms are <> (2, 2), <S> and <Rows, Columns>");
    };
  };

  template <class In>
  static constexpr auto validate() {
    if constexpr (sizeof...(Size) > 2 || rows == 0 || columns == 0) return size_not_keras{};
    else if constexpr (In::rank != 3) return detail::needs_image{};
    else return detail::link_ok{};
  }

  template <class In>
  class layer : public detail::no_parameters {
    static constexpr std::size_t in_h = In::dims[0], in_w = In::dims[1], channels = In::dims[2];

   public:
    using input_shape = In;
    static constexpr std::size_t out_h = rows * in_h, out_w = columns * in_w;
    using output_shape = shape<out_h, out_w, channels>;
    static constexpr std::string_view kind = up_sampling2d::kind;

    // Output pixel (i, j) is input pixel (i / rows, j / columns): each output row is built once
    // from its input row, then copied for the other rows - 1 rows of its block.
    template <class T>
    void forward(const forward_io<T>& io, pass_context&) const {
      constexpr std::size_t out_row = out_w * channels;
      for (std::size_t s = 0; s < io.n; ++s) {
        const T* x = io.x + s * In::size;
        T* y = io.y + s * output_shape::size;
        for (std::size_t r = 0; r < in_h; ++r) {
          T* first = y + r * rows * out_row;
          for (std::size_t c = 0; c < in_w; ++c)
            for (std::size_t k = 0; k < columns; ++k)
              std::copy(x + (r * in_w + c) * channels, x + (r * in_w + c + 1) * channels,
                        first + (c * columns + k) * channels);
          for (std::size_t k = 1; k < rows; ++k) std::copy(first, first + out_row, first + k * out_row);
        }
      }
    }

    // dL/dx(r, c) = the sum of dL/dy over the rows x columns block of copies of (r, c).
    template <class T>
    void backward(const backward_io<T>& io, pass_context&) const {
      if (!io.dx) return;
      for (std::size_t s = 0; s < io.n; ++s) {
        const T* dy = io.dy + s * output_shape::size;
        T* dx = io.dx + s * In::size;
        std::fill(dx, dx + In::size, T(0));
        for (std::size_t i = 0; i < out_h; ++i)
          for (std::size_t j = 0; j < out_w; ++j) {
            const T* from = dy + (i * out_w + j) * channels;
            T* to = dx + ((i / rows) * in_w + j / columns) * channels;
            for (std::size_t ch = 0; ch < channels; ++ch) to[ch] += from[ch];
          }
      }
    }
  };
};

}  // namespace ctnn
