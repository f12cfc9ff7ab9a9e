#pragma once
// ctnn::average_pool2d<pool<Ph, Pw>, Options...>: Keras' AveragePooling2D over channels-last
// samples: the mean of each Ph x Pw window, per channel. Options, in any order:
// strides<Sh, Sw> (default: the pool size) and padding::valid or padding::same (default valid).
// With padding::same a window that overhangs the border averages only the values inside it
// (padding is not counted), as Keras. average_pool2d<> is average_pool2d<pool<2, 2>>.
#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <string_view>
#include <type_traits>

#include "../core/layer.hpp"
#include "../core/shape.hpp"
#include "detail/no_parameters.hpp"
#include "detail/pool2d_spec.hpp"
#include "padding.hpp"
#include "pool.hpp"
#include "strides.hpp"

namespace ctnn {

template <class Pool = pool<2, 2>, class... Options>
struct average_pool2d : detail::pool2d_spec<Pool, Options...> {
  static constexpr std::string_view kind = "average_pooling2d";

  template <class In>
  class layer : public detail::no_parameters {
    using geometry = typename average_pool2d::template geometry<In>;

   public:
    using input_shape = In;
    using output_shape = shape<geometry::out_h, geometry::out_w, geometry::channels>;
    static constexpr std::string_view kind = average_pool2d::kind;
    template <class D>
    static constexpr void describe(D& d) { average_pool2d::describe(d); }
    static constexpr std::size_t channels = geometry::channels;

    template <class T>
    void forward(const forward_io<T>& io, pass_context&) const {
      geometry::for_each_window(io.n, [&](const typename geometry::window& w) {
        const T* sample = io.x + w.sample * In::size;
        T* out = io.y + w.position * channels;
        std::fill(out, out + channels, T(0));
        w.for_each_tap([&](std::size_t, std::size_t, std::size_t offset) {
          for (std::size_t c = 0; c < channels; ++c) out[c] += sample[offset + c];
        });
        const T scale = T(1) / static_cast<T>(w.count());
        for (std::size_t c = 0; c < channels; ++c) out[c] *= scale;
      });
    }

    // dx = 0, then each output's gradient, divided by its window's count, is added to every
    // input value of the window.
    template <class T>
    void backward(const backward_io<T>& io, pass_context&) const {
      if (!io.dx) return;
      std::fill(io.dx, io.dx + io.n * In::size, T(0));
      geometry::for_each_window(io.n, [&](const typename geometry::window& w) {
        T* sample = io.dx + w.sample * In::size;
        const T* dy = io.dy + w.position * channels;
        const T scale = T(1) / static_cast<T>(w.count());
        w.for_each_tap([&](std::size_t, std::size_t, std::size_t offset) {
          for (std::size_t c = 0; c < channels; ++c) sample[offset + c] += scale * dy[c];
        });
      });
    }
  };
};

}  // namespace ctnn
