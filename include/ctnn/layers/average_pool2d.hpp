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
#include "../detail/no_parameters.hpp"
#include "../detail/pool2d_spec.hpp"
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
      T* out = io.y;
      for (std::size_t s = 0; s < io.n; ++s) {
        const T* sample = io.x + s * In::size;
        for (std::size_t oy = 0; oy < geometry::out_h; ++oy) {
          const auto ky_in = geometry::rows_inside(oy);
          for (std::size_t ox = 0; ox < geometry::out_w; ++ox, out += channels) {
            const auto kx_in = geometry::cols_inside(ox);
            std::fill(out, out + channels, T(0));
            for (std::size_t ky = ky_in.begin; ky < ky_in.end; ++ky)
              for (std::size_t kx = kx_in.begin; kx < kx_in.end; ++kx) {
                const T* src = sample + (geometry::input_row(oy, ky) * geometry::in_w +
                                         geometry::input_col(ox, kx)) * channels;
                for (std::size_t c = 0; c < channels; ++c) out[c] += src[c];
              }
            const T scale = T(1) / static_cast<T>((ky_in.end - ky_in.begin) * (kx_in.end - kx_in.begin));
            for (std::size_t c = 0; c < channels; ++c) out[c] *= scale;
          }
        }
      }
    }

    // dx = 0, then each output's gradient, divided by its window's count, is added to every
    // input value of the window.
    template <class T>
    void backward(const backward_io<T>& io, pass_context&) const {
      if (!io.dx) return;
      std::fill(io.dx, io.dx + io.n * In::size, T(0));
      const T* dy = io.dy;
      for (std::size_t s = 0; s < io.n; ++s) {
        T* sample = io.dx + s * In::size;
        for (std::size_t oy = 0; oy < geometry::out_h; ++oy) {
          const auto ky_in = geometry::rows_inside(oy);
          for (std::size_t ox = 0; ox < geometry::out_w; ++ox, dy += channels) {
            const auto kx_in = geometry::cols_inside(ox);
            const T scale = T(1) / static_cast<T>((ky_in.end - ky_in.begin) * (kx_in.end - kx_in.begin));
            for (std::size_t ky = ky_in.begin; ky < ky_in.end; ++ky)
              for (std::size_t kx = kx_in.begin; kx < kx_in.end; ++kx) {
                T* dst = sample + (geometry::input_row(oy, ky) * geometry::in_w +
                                   geometry::input_col(ox, kx)) * channels;
                for (std::size_t c = 0; c < channels; ++c) dst[c] += scale * dy[c];
              }
          }
        }
      }
    }
  };
};

}  // namespace ctnn
