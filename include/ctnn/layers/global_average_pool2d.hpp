#pragma once
// ctnn::global_average_pool2d: Keras' GlobalAveragePooling2D: (height, width, channels) ->
// (channels), the mean of each channel over all positions.
#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <string_view>

#include "../core/layer.hpp"
#include "../core/shape.hpp"
#include "../detail/check_link.hpp"
#include "detail/no_parameters.hpp"
#include "detail/window2d.hpp"

namespace ctnn {

struct global_average_pool2d {
  using ctnn_layer_spec = void;
  static constexpr std::string_view kind = "global_average_pooling2d";

  template <class In>
  static constexpr auto validate() {
    if constexpr (In::rank == 3) return detail::link_ok{};
    else return detail::needs_rank_3{};
  }

  template <class In>
  class layer : public detail::no_parameters {
   public:
    using input_shape = In;
    static constexpr std::size_t positions = In::dims[0] * In::dims[1];
    static constexpr std::size_t channels = In::dims[2];
    using output_shape = shape<channels>;
    static constexpr std::string_view kind = global_average_pool2d::kind;

    template <class T>
    void forward(const forward_io<T>& io, pass_context&) const {
      const T scale = T(1) / static_cast<T>(positions);
      for (std::size_t s = 0; s < io.n; ++s) {
        const T* src = io.x + s * In::size;
        T* out = io.y + s * channels;
        std::fill(out, out + channels, T(0));
        for (std::size_t p = 0; p < positions; ++p, src += channels)
          for (std::size_t c = 0; c < channels; ++c) out[c] += src[c];
        for (std::size_t c = 0; c < channels; ++c) out[c] *= scale;
      }
    }

    // Every position of a channel receives that channel's gradient / positions.
    template <class T>
    void backward(const backward_io<T>& io, pass_context&) const {
      if (!io.dx) return;
      const T scale = T(1) / static_cast<T>(positions);
      for (std::size_t s = 0; s < io.n; ++s) {
        const T* dy = io.dy + s * channels;
        T* dst = io.dx + s * In::size;
        for (std::size_t p = 0; p < positions; ++p, dst += channels)
          for (std::size_t c = 0; c < channels; ++c) dst[c] = scale * dy[c];
      }
    }
  };
};

}  // namespace ctnn
