#pragma once
// The depthwise step of ctnn::depthwise_conv2d and ctnn::separable_conv2d: each input channel c
// convolved with its own Multiplier kernels, output channel c * Multiplier + m (TensorFlow's
// depthwise_conv2d order, which Keras 3 uses):
//   z(s, oy, ox, c M + m) = b(c M + m) + sum over the taps (ky, kx) of the window inside the input
//                           of x(s, iy, ix, c) W(ky, kx, c, m)
// with W of shape (Kh, Kw, in_channels, Multiplier), as Keras stores it: tap (ky, kx)'s row of W
// holds in_channels * Multiplier values in output-channel order.
//
// Evaluation: not a matrix product (channels do not mix, so an im2col lowering would copy every
// input value Kh Kw times to multiply it once), but the one sliding-window loop of
// layers/detail/window2d.hpp, as the pools run it, over the taps inside the input: padding,
// strides and dilation are the walker's. The innermost loop runs over a tap's contiguous channels
// (and multipliers), which the compiler vectorizes at the layer's fixed sizes. No workspace.
#include <algorithm>
#include <cstddef>

#include "../../detail/check_link.hpp"

namespace ctnn::detail {

template <class Geometry, std::size_t Multiplier>
struct depthwise_product {
  static constexpr std::size_t in_channels = Geometry::channels;
  static constexpr std::size_t out_channels = in_channels * Multiplier;
  static constexpr std::size_t positions = Geometry::out_h * Geometry::out_w;
  static constexpr std::size_t kernel_size = Geometry::kernel_h * Geometry::kernel_w * out_channels;

  // z = depthwise(x, W) + b for n samples (b null: no bias), n * positions rows of out_channels.
  template <class T>
  static void forward(const T* x, const T* w, const T* b, T* z, std::size_t n) {
    Geometry::for_each_window(n, [&](const typename Geometry::window& win) {
      const T* sample = x + win.sample * Geometry::input_size;
      T* out = z + win.position * out_channels;
      if (b) std::copy(b, b + out_channels, out);
      else std::fill(out, out + out_channels, T(0));
      win.for_each_tap([&](std::size_t ky, std::size_t kx, std::size_t offset) {
        const T* xs = sample + offset;
        const T* wt = w + (ky * Geometry::kernel_w + kx) * out_channels;
        for (std::size_t c = 0; c < in_channels; ++c)
          for (std::size_t m = 0; m < Multiplier; ++m) out[c * Multiplier + m] += xs[c] * wt[c * Multiplier + m];
      });
    });
  }

  // Given dz = dL/dz (n * positions rows): dW (overwritten) and, unless dx is null, dx
  // (overwritten): every tap adds x dz to its kernel value and W dz to its input value.
  template <class T>
  static void backward(const T* x, const T* w, const T* dz, T* dw, T* dx, std::size_t n) {
    std::fill(dw, dw + kernel_size, T(0));
    if (dx) std::fill(dx, dx + n * Geometry::input_size, T(0));
    Geometry::for_each_window(n, [&](const typename Geometry::window& win) {
      const T* sample = x + win.sample * Geometry::input_size;
      const T* d = dz + win.position * out_channels;
      win.for_each_tap([&](std::size_t ky, std::size_t kx, std::size_t offset) {
        const std::size_t tap = (ky * Geometry::kernel_w + kx) * out_channels;
        const T* xs = sample + offset;
        T* dwt = dw + tap;
        for (std::size_t c = 0; c < in_channels; ++c)
          for (std::size_t m = 0; m < Multiplier; ++m) dwt[c * Multiplier + m] += xs[c] * d[c * Multiplier + m];
        if (!dx) return;
        const T* wt = w + tap;
        T* dxs = dx + win.sample * Geometry::input_size + offset;
        for (std::size_t c = 0; c < in_channels; ++c) {
          T sum = 0;
          for (std::size_t m = 0; m < Multiplier; ++m) sum += wt[c * Multiplier + m] * d[c * Multiplier + m];
          dxs[c] += sum;
        }
      });
    });
  }
};

// The error tags of the depthwise layers' link check (detail/check_link.hpp).
struct not_a_kernel {
  template <std::size_t Position, class Layer, class InputShape>
  struct report {
    static_assert(layer_accepts<Position, Layer, InputShape>,
                  "ctnn::sequential: the layer at Position needs a ctnn::kernel<Height, Width> as its window (depthwise_conv2d<ctnn::kernel<3>, Options...>, separable_conv2d<Filters, ctnn::kernel<3>, Options...>)");
  };
};
struct zero_depth_multiplier {
  template <std::size_t Position, class Layer, class InputShape>
  struct report {
    static_assert(layer_accepts<Position, Layer, InputShape>,
                  "ctnn::sequential: the layer at Position has a depth_multiplier of 0; the depthwise step makes depth_multiplier output channels from each input channel, at least 1 (as Keras requires)");
  };
};

}  // namespace ctnn::detail
