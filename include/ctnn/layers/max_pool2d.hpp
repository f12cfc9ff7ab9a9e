#pragma once
// ctnn::max_pool2d<pool<Ph, Pw>, Options...>: Keras' MaxPooling2D over channels-last samples:
// the largest value of each Ph x Pw window, per channel. Options, in any order:
// strides<Sh, Sw> (default: the pool size) and padding::valid or padding::same (default valid;
// padded positions never win, as in Keras). max_pool2d<> is max_pool2d<pool<2, 2>>.
//
// The gradient goes to the value that won: with ties, the first of them in the window's
// row-major order (ky, then kx). Forward records the winning tap of each output value in the
// workspace, so backward does not search again.
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>
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

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn {

template <class Pool = pool<2, 2>, class... Options>
struct max_pool2d : detail::pool2d_spec<Pool, Options...> {
  static constexpr std::string_view kind = "max_pooling2d";

  template <class In>
  class layer : public detail::no_parameters {
    using geometry = typename max_pool2d::template geometry<In>;

   public:
    using input_shape = In;
    using output_shape = shape<geometry::out_h, geometry::out_w, geometry::channels>;
    static constexpr std::string_view kind = max_pool2d::kind;
    template <class D>
    static constexpr void describe(D& d) { max_pool2d::describe(d); }
    static constexpr std::size_t channels = geometry::channels;
    // Per output value, the tap (ky * pool_width + kx) that won, as a T (exact: taps are few).
    static constexpr std::size_t workspace_size = output_shape::size;

    template <class T>
    void forward(const forward_io<T>& io, pass_context&) const {
      geometry::for_each_window(io.n, [&](const typename geometry::window& w) {
        const T* sample = io.x + w.sample * In::size;
        T* out = io.y + w.position * channels;
        T* winner = io.workspace + w.position * channels;
        bool first = true;
        w.for_each_tap([&](std::size_t ky, std::size_t kx, std::size_t offset) {
          const T* src = sample + offset;
          const T tap = static_cast<T>(ky * max_pool2d::pool_width + kx);
          if (first) {
            std::memcpy(out, src, channels * sizeof(T));  // inlined, where std::copy calls memmove
            std::fill(winner, winner + channels, tap);
            first = false;
            return;
          }
          // Strictly greater: the first maximum keeps winning (and a NaN never does). In xsimd
          // batches with selects: from a branch around two stores, or from a plain select loop,
          // g++ 12 made masked stores (vmaskmovps), which Zen 1 runs in microcode: 31 % of W2's
          // inference there.
          using batch = xsimd::batch<T>;
          constexpr std::size_t whole = channels / batch::size * batch::size;
          for (std::size_t c = 0; c < whole; c += batch::size) {
            const batch value = batch::load_unaligned(src + c), best = batch::load_unaligned(out + c);
            const auto wins = value > best;
            xsimd::select(wins, value, best).store_unaligned(out + c);
            xsimd::select(wins, batch(tap), batch::load_unaligned(winner + c)).store_unaligned(winner + c);
          }
          for (std::size_t c = whole; c < channels; ++c)
            if (src[c] > out[c]) {
              out[c] = src[c];
              winner[c] = tap;
            }
        });
      });
    }

    // dx = 0, then each output's gradient is added to the input value that won its window.
    template <class T>
    void backward(const backward_io<T>& io, pass_context&) const {
      if (!io.dx) return;
      std::fill(io.dx, io.dx + io.n * In::size, T(0));
      geometry::for_each_window(io.n, [&](const typename geometry::window& w) {
        T* sample = io.dx + w.sample * In::size;
        const T* dy = io.dy + w.position * channels;
        const T* winner = io.workspace + w.position * channels;
        for (std::size_t c = 0; c < channels; ++c) {
          const auto tap = static_cast<std::size_t>(winner[c]);
          sample[w.offset(tap / max_pool2d::pool_width, tap % max_pool2d::pool_width) + c] += dy[c];
        }
      });
    }
  };
};

}  // namespace ctnn
CTNN_DETAIL_SIMD_END
