#pragma once
// The geometry of a 2D sliding window over a channels-last (height, width, channels) sample,
// shared by ctnn::conv2d, ctnn::depthwise_conv2d, ctnn::separable_conv2d, ctnn::conv1d and the
// pooling layers: output size and padding per axis, Keras' conventions (see layers/padding.hpp),
// and the one validation of a window against its input. A convolution's window may be dilated on
// either axis (taps Dh rows and Dw columns apart, Keras' dilation_rate). The 1D layers are this
// window over a (steps, 1, channels) view of their (steps, channels) samples, the same memory: a
// window of height K and width 1, whose rows may be dilated and causally padded.
#include <array>
#include <cstddef>
#include <type_traits>

#include "../../detail/check_link.hpp"
#include "../padding.hpp"

namespace ctnn::detail {

// One axis: `out` window positions; the window at position o has taps k = 0 .. size - 1 at
// input indices o * stride + k * dilation - pad_before, those outside [0, in) being padding.
struct window_axis {
  std::size_t out = 0;
  std::size_t pad_before = 0;
  std::size_t pad_total = 0;
};

// The input indices a window spans: dilation (size - 1) + 1.
constexpr std::size_t effective_size(std::size_t size, std::size_t dilation) { return dilation * (size - 1) + 1; }

constexpr window_axis make_window_axis(std::size_t in, std::size_t size, std::size_t stride,
                                       std::size_t dilation, window_padding padding) {
  const std::size_t span = effective_size(size, dilation);
  window_axis a;
  if (padding == window_padding::same) {
    a.out = (in + stride - 1) / stride;
    const std::size_t needed = (a.out - 1) * stride + span;
    a.pad_total = needed > in ? needed - in : 0;
    a.pad_before = a.pad_total / 2;
  } else {
    if (padding == window_padding::causal) a.pad_before = a.pad_total = span - 1;
    a.out = (in + a.pad_total - span) / stride + 1;
  }
  return a;
}

template <class Shape>
constexpr std::size_t dim_or_zero(std::size_t i) {
  return i < Shape::rank ? Shape::dims[i] : 0;
}

// The error tags of a window's link check (detail/check_link.hpp).
struct needs_rank_3 {
  template <std::size_t Position, class Layer, class InputShape>
  struct report {
    static_assert(layer_accepts<Position, Layer, InputShape>,
                  "ctnn::sequential: the layer at Position (2D convolution or pooling) needs a rank-3 input (height, width, channels) but receives InputShape; images are channels-last, e.g. ctnn::input<28, 28, 1>");
  };
};
struct zero_window {
  template <std::size_t Position, class Layer, class InputShape>
  struct report {
    static_assert(layer_accepts<Position, Layer, InputShape>,
                  "ctnn::sequential: the layer at Position has a kernel or pool window with a dimension of 0; every window dimension must be at least 1");
  };
};
struct zero_stride {
  template <std::size_t Position, class Layer, class InputShape>
  struct report {
    static_assert(layer_accepts<Position, Layer, InputShape>,
                  "ctnn::sequential: the layer at Position has a stride of 0; every stride must be at least 1");
  };
};
struct window_too_large {
  template <std::size_t Position, class Layer, class InputShape>
  struct report {
    static_assert(layer_accepts<Position, Layer, InputShape>,
                  "ctnn::sequential: the layer at Position has a kernel or pool window larger than its input InputShape; with ctnn::padding::valid every window must fit inside the input (use a smaller window, or ctnn::padding::same)");
  };
};
struct zero_dilation {
  template <std::size_t Position, class Layer, class InputShape>
  struct report {
    static_assert(layer_accepts<Position, Layer, InputShape>,
                  "ctnn::sequential: the layer at Position has a dilation_rate of 0; a dilation rate must be at least 1");
  };
};
struct dilation_with_stride {
  template <std::size_t Position, class Layer, class InputShape>
  struct report {
    static_assert(layer_accepts<Position, Layer, InputShape>,
                  "ctnn::sequential: the layer at Position has both a stride and a dilation_rate above 1; as in Keras, a dilated convolution moves by 1 (strides<1>)");
  };
};
struct dilation_too_large {
  template <std::size_t Position, class Layer, class InputShape>
  struct report {
    static_assert(layer_accepts<Position, Layer, InputShape>,
                  "ctnn::sequential: the layer at Position has a dilation that does not fit: its dilated kernel, dilation_rate * (kernel size - 1) + 1 input positions along an axis, is longer than its input InputShape along that axis, which ctnn::padding::valid requires it to fit in (use a smaller rate, or ctnn::padding::same, or causal for conv1d)");
  };
};
struct causal_padding_refused {
  template <std::size_t Position, class Layer, class InputShape>
  struct report {
    static_assert(layer_accepts<Position, Layer, InputShape>,
                  "ctnn::sequential: the layer at Position is given ctnn::padding::causal, which only ctnn::conv1d takes (as in Keras); use ctnn::padding::valid or ctnn::padding::same");
  };
};

// What is wrong, if anything, with a Kh x Kw window moving by Sh x Sw over In, its taps Dh rows
// and Dw columns apart. As Keras (BaseConv): a dilation above 1 on any axis goes with strides of 1
// on every axis.
template <class In, std::size_t Kh, std::size_t Kw, std::size_t Sh, std::size_t Sw, window_padding Padding,
          std::size_t Dh = 1, std::size_t Dw = 1>
constexpr auto validate_window() {
  if constexpr (In::rank != 3) return needs_rank_3{};
  else if constexpr (Kh == 0 || Kw == 0) return zero_window{};
  else if constexpr (Sh == 0 || Sw == 0) return zero_stride{};
  else if constexpr (Dh == 0 || Dw == 0) return zero_dilation{};
  else if constexpr ((Dh > 1 || Dw > 1) && (Sh > 1 || Sw > 1)) return dilation_with_stride{};
  else if constexpr (Padding == window_padding::valid &&
                     ((Dh > 1 && effective_size(Kh, Dh) > dim_or_zero<In>(0)) ||
                      (Dw > 1 && effective_size(Kw, Dw) > dim_or_zero<In>(1))))
    return dilation_too_large{};
  else if constexpr (Padding == window_padding::valid && (Kh > dim_or_zero<In>(0) || Kw > dim_or_zero<In>(1)))
    return window_too_large{};
  else return link_ok{};
}

// The bound geometry (only instantiated for inputs validate_window accepted).
template <class In, std::size_t Kh, std::size_t Kw, std::size_t Sh, std::size_t Sw, window_padding Padding,
          std::size_t Dh = 1, std::size_t Dw = 1>
struct window2d {
  static constexpr std::size_t in_h = In::dims[0], in_w = In::dims[1], channels = In::dims[2];
  static constexpr std::size_t input_size = in_h * in_w * channels;
  static constexpr std::size_t kernel_h = Kh, kernel_w = Kw, stride_h = Sh, stride_w = Sw;
  static constexpr std::size_t dilation_h = Dh, dilation_w = Dw;
  static constexpr window_axis rows = make_window_axis(in_h, Kh, Sh, Dh, Padding);
  static constexpr window_axis cols = make_window_axis(in_w, Kw, Sw, Dw, Padding);
  static constexpr std::size_t out_h = rows.out, out_w = cols.out;
  static constexpr std::size_t pad_top = rows.pad_before, pad_left = cols.pad_before;

  // The part [begin, end) of a window's Size taps, Step apart from input index `start` (which may
  // be negative), that falls inside [0, In): the taps k with 0 <= start + k Step < in. A window of
  // a valid, same or causal geometry without dilation overlaps the input; a dilated one may not
  // (its taps straddle a short input), and then begin == end.
  struct taps { std::size_t begin, end; };
  template <std::size_t Step>
  static constexpr taps inside(std::ptrdiff_t start, std::size_t size, std::size_t in) {
    constexpr std::ptrdiff_t step = Step;
    const std::ptrdiff_t b = start < 0 ? (-start + step - 1) / step : 0;
    const std::ptrdiff_t reach = std::ptrdiff_t(in) - start;              // input indices from start on
    const std::ptrdiff_t fit = reach <= 0 ? 0 : (reach + step - 1) / step;  // taps before the input's end
    const std::ptrdiff_t e = fit < std::ptrdiff_t(size) ? fit : std::ptrdiff_t(size);
    return {static_cast<std::size_t>(b), static_cast<std::size_t>(e > b ? e : b)};
  }
  // Taps of the window at output row oy (column ox) that lie inside the input.
  static constexpr taps rows_inside(std::size_t oy) {
    return inside<Dh>(std::ptrdiff_t(oy * Sh) - std::ptrdiff_t(pad_top), Kh, in_h);
  }
  static constexpr taps cols_inside(std::size_t ox) {
    return inside<Dw>(std::ptrdiff_t(ox * Sw) - std::ptrdiff_t(pad_left), Kw, in_w);
  }
  // Input row (column) of tap ky (kx) of the window at output row oy (column ox); only for
  // taps inside.
  static constexpr std::size_t input_row(std::size_t oy, std::size_t ky) { return oy * Sh + ky * Dh - pad_top; }
  static constexpr std::size_t input_col(std::size_t ox, std::size_t kx) { return ox * Sw + kx * Dw - pad_left; }

  // One window: output position (oy, ox) of a sample, its taps inside the input, and where a
  // tap's channels start within the sample.
  struct window {
    std::size_t position;  // of the batch's outputs, in output order: (sample, oy, ox)
    std::size_t sample, oy, ox;
    taps rows, cols;
    constexpr std::size_t count() const { return (rows.end - rows.begin) * (cols.end - cols.begin); }
    constexpr std::size_t offset(std::size_t ky, std::size_t kx) const {
      return (input_row(oy, ky) * in_w + input_col(ox, kx)) * channels;
    }
    // f(ky, kx, offset) for every tap inside the input, row by row.
    template <class F>
    constexpr void for_each_tap(F&& f) const {
      for (std::size_t ky = rows.begin; ky < rows.end; ++ky)
        for (std::size_t kx = cols.begin; kx < cols.end; ++kx) f(ky, kx, offset(ky, kx));
    }
  };
  // f(window) for every window of n samples, in output order: the one sliding-window loop of
  // the convolution's lowering and of the pooling layers.
  template <class F>
  static void for_each_window(std::size_t n, F&& f) {
    std::size_t position = 0;
    for (std::size_t s = 0; s < n; ++s)
      for (std::size_t oy = 0; oy < out_h; ++oy) {
        const taps rows = rows_inside(oy);
        for (std::size_t ox = 0; ox < out_w; ++ox, ++position) f(window{position, s, oy, ox, rows, cols_inside(ox)});
      }
  }
};

// A window's hyperparameters, for the network description (layer_traits<L>::describe).
// Window and Strides: std::arrays of one size per axis (one for the 1D layers).
template <class D, std::size_t N>
constexpr void describe_window(D& d, const std::array<std::size_t, N>& window, const std::array<std::size_t, N>& strides,
                               window_padding padding) {
  d.dims("window", window);
  d.dims("strides", strides);
  d.word("padding", padding == window_padding::same ? "same" : padding == window_padding::causal ? "causal" : "valid");
}

// A 2D convolution's dilation, for the network description: written only when it is not 1 x 1
// (conv1d always writes its one rate).
template <class D>
constexpr void describe_dilation(D& d, const std::array<std::size_t, 2>& dilation) {
  if (dilation[0] != 1 || dilation[1] != 1) d.dims("dilation_rate", dilation);
}

// Height and width of a window option (ctnn::kernel, ctnn::pool); 1 x 1 for anything else, so a
// wrong option gives only its own static_assert.
template <class W, class = void>
struct window_dims { static constexpr std::size_t height = 1, width = 1; };
template <class W>
struct window_dims<W, std::void_t<decltype(W::height), decltype(W::width)>> {
  static constexpr std::size_t height = W::height, width = W::width;
};

}  // namespace ctnn::detail
