#pragma once
// ctnn::conv2d<Filters, kernel<Kh, Kw>, Options...>: Keras' Conv2D over channels-last samples
// (height, width, channels). y = f(conv(x, W) + b) with W of shape (Kh, Kw, in_channels,
// Filters), as Keras stores it. Options, in any order: an activation (default ctnn::linear),
// strides<Sh, Sw> (default 1), padding::valid or padding::same (default valid),
// kernel_initializer<I> (default glorot_uniform), bias_initializer<I> (default zeros),
// use_bias<bool> (default true), kernel_regularizer<R> and bias_regularizer<R> (default none).
//
// Evaluation: the convolution is lowered to one matrix product. im2col copies every window of
// the batch into a row of the layer's workspace (n*out_h*out_w rows of Kh*Kw*in_channels
// values, the same order as W's rows), so that
//   y (n*out_h*out_w x Filters, exactly the NHWC output) = columns . W + b
// is a single kernels::matmul, followed by the activation in one pass. The backward pass reads
// the columns forward left in the workspace: dW = columns^T . dz, db = column sums of dz, and
// d(columns) = dz . W^T (written over the columns, no longer needed), scattered back onto dx by
// col2im. A 1x1 kernel with stride 1 needs no lowering: x itself is the column matrix.
// (Processing the batch in cache-sized blocks of samples instead was measured: no difference
// at batch 64 on 28x28 images, so the passes stay whole-batch and the products large.)
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>
#include <span>
#include <string_view>
#include <type_traits>

#include "../core/layer.hpp"
#include "../core/shape.hpp"
#include "../detail/aligned_buffer.hpp"
#include "../detail/check_link.hpp"
#include "../detail/options.hpp"
#include "detail/weight_options.hpp"
#include "detail/window2d.hpp"
#include "../kernels/affine.hpp"
#include "../kernels/matmul.hpp"
#include "../kernels/matrix_ref.hpp"
#include "detail/kernel_and_bias.hpp"
#include "kernel.hpp"
#include "padding.hpp"
#include "strides.hpp"

namespace ctnn {

namespace detail {
template <class T>
struct is_conv2d_option
    : std::bool_constant<is_weight_option<T>::value || is_strides<T>::value || is_padding<T>::value> {};
}  // namespace detail

template <std::size_t Filters, class Kernel, class... Options>
struct conv2d {
  static_assert(detail::is_kernel<Kernel>::value,
                "ctnn::conv2d<Filters, Kernel, Options...>: Kernel must be ctnn::kernel<Height, Width>");

  using ctnn_layer_spec = void;
  static constexpr std::string_view kind = "conv2d";
  static constexpr std::size_t filters = Filters;
  static constexpr std::size_t kernel_height = detail::window_dims<Kernel>::height;
  static constexpr std::size_t kernel_width = detail::window_dims<Kernel>::width;
  using options = detail::weight_options<Options...>;
  using strides_type = detail::find_option_t<detail::is_strides, strides<1, 1>, Options...>;
  using padding_type = detail::find_option_t<detail::is_padding, padding::valid, Options...>;
  static constexpr bool same_padding = std::is_same_v<padding_type, padding::same>;

  // Its own error tag (detail/check_link.hpp); the window's are layers/detail/window2d.hpp's.
  struct unknown_option {
    template <std::size_t Position, class Layer, class InputShape>
    struct report {
      static_assert(detail::layer_accepts<Position, Layer, InputShape>,
                    "ctnn::sequential: the layer at Position has an option it does not take (conv2d takes an activation, strides<Sh, Sw>, a padding, kernel_initializer<I>, bias_initializer<I>, use_bias<bool>, kernel_regularizer<R> and bias_regularizer<R>)");
    };
  };

  template <class In>
  static constexpr auto validate() {
    if constexpr (!(detail::is_conv2d_option<Options>::value && ...)) return unknown_option{};
    else if constexpr (!options::each_kind_once || detail::count_options<detail::is_strides, Options...> > 1 ||
                       detail::count_options<detail::is_padding, Options...> > 1)
      return detail::option_twice{};
    else if constexpr (In::rank != 3) return detail::needs_rank_3{};
    else if constexpr (Filters == 0) return detail::zero_units{};
    else
      return detail::validate_window<In, kernel_height, kernel_width, strides_type::rows,
                                     strides_type::columns, same_padding>();
  }

  // The bound layer's parameters (kernel (Kh, Kw, in_channels, Filters), bias, their
  // initializers and regularizers, the activation) are those of every layer with a kernel and a
  // bias; Keras' fans for a convolution kernel: receptive field times channels in / filters out.
  template <class In>
  using parameters_of = detail::kernel_and_bias<options, kernel_height * kernel_width * In::dims[2],
                                                kernel_height * kernel_width * Filters, kernel_height,
                                                kernel_width, In::dims[2], Filters>;

  template <class In>
  class layer : public parameters_of<In> {
    using base = parameters_of<In>;
    using geometry = detail::window2d<In, kernel_height, kernel_width, strides_type::rows,
                                      strides_type::columns, same_padding>;

   public:
    using input_shape = In;
    using output_shape = shape<geometry::out_h, geometry::out_w, Filters>;
    using base::activation;
    static constexpr std::string_view kind = conv2d::kind;
    static constexpr std::size_t in_h = geometry::in_h, in_w = geometry::in_w;
    static constexpr std::size_t in_channels = geometry::channels;
    static constexpr std::size_t out_h = geometry::out_h, out_w = geometry::out_w;
    static constexpr std::size_t pad_top = geometry::pad_top, pad_left = geometry::pad_left;
    // Values per window: one row of the lowered input, one row of W per filter column.
    static constexpr std::size_t patch_size = kernel_height * kernel_width * in_channels;
    static constexpr std::size_t positions = out_h * out_w;
    // 1x1, stride 1 (never padded): the input already is the column matrix.
    static constexpr bool pointwise = kernel_height == 1 && kernel_width == 1 &&
                                      strides_type::rows == 1 && strides_type::columns == 1;
    // Per sample: the im2col columns, reused for their gradient in the backward pass.
    static constexpr std::size_t workspace_size = pointwise ? 0 : positions * patch_size;

    // The window, for the network description (layer_traits<L>::describe).
    template <class D>
    static constexpr void describe(D& d) {
      detail::describe_window(d, kernel_height, kernel_width, strides_type::rows, strides_type::columns,
                              same_padding);
    }

    // y = f(columns . W + b) in one product: the bias and an element-wise f are applied to the
    // sums in registers (kernels::fused_activation), as in dense.
    template <class T>
    void forward(const forward_io<T>& io, pass_context&) const {
      const T* columns = io.x;
      if constexpr (!pointwise) {
        im2col(io.x, io.workspace, io.n);
        columns = io.workspace;
      }
      kernels::affine_forward(io.n * positions, Filters, patch_size, columns, io.params,
                              base::bias_of(io.params), io.y, activation, io.preactivation);
    }

    // Reports its gradients to ctx.gradients (core/gradient_guard.hpp), as dense.
    static constexpr bool checks_gradients = true;

    // dz = dy f'(z) (in place) and db = column sums of dz in one pass, dW = columns^T dz,
    // dx = col2im(dz W^T), the columns' gradient written over the columns.
    template <class T>
    void backward(const backward_io<T>& io, pass_context& ctx) const {
      const std::size_t rows = io.n * positions;
      const T* columns = pointwise ? io.x : io.workspace;
      kernels::affine_backward(rows, Filters, patch_size, columns, io.y, io.dy, io.grads,
                               base::bias_of(io.grads), activation, io.dy_is_preactivation,
                               ctx.gradients);
      const T* dz = io.dy;
      if (!io.dx) return;
      if constexpr (pointwise) {
        kernels::matmul(kernels::matrix_ref{dz, rows, Filters},
                        kernels::matrix_ref{io.params, in_channels, Filters}.transposed(),
                        kernels::matrix_ref{io.dx, rows, in_channels});
      } else {
        kernels::matmul(kernels::matrix_ref{dz, rows, Filters},
                        kernels::matrix_ref{io.params, patch_size, Filters}.transposed(),
                        kernels::matrix_ref{io.workspace, rows, patch_size});
        col2im(io.workspace, io.dx, io.n);
      }
    }

   private:
    // Row (s, oy, ox) of the columns holds the window of output (oy, ox) of sample s in W's row
    // order (ky, kx, channel); padded taps are zeros. Within one kernel row the taps inside the
    // input are contiguous in x (kx steps one pixel), so each kernel row is one copy.
    template <class T>
    static void im2col(const T* x, T* columns, std::size_t n) {
      constexpr std::size_t row_width = kernel_width * in_channels;
      geometry::for_each_window(n, [&](const typename geometry::window& w) {
        const T* sample = x + w.sample * In::size;
        T* row = columns + w.position * patch_size;
        const std::size_t before = w.cols.begin * in_channels, inside = (w.cols.end - w.cols.begin) * in_channels;
        if (inside == row_width) {
          // A window inside the input in x (all but the edges): rows of a constant width. memcpy
          // of a constant size is inlined, where g++ 12 calls memmove for std::copy whatever the
          // size (W2's 3-float rows made 2000 calls a sample).
          std::fill(row, row + w.rows.begin * row_width, T(0));
          for (std::size_t ky = w.rows.begin; ky < w.rows.end; ++ky)
            std::memcpy(row + ky * row_width, sample + w.offset(ky, w.cols.begin), row_width * sizeof(T));
          std::fill(row + w.rows.end * row_width, row + patch_size, T(0));
          return;
        }
        std::fill(row, row + w.rows.begin * row_width, T(0));
        for (std::size_t ky = w.rows.begin; ky < w.rows.end; ++ky) {
          T* out = row + ky * row_width;
          const T* src = sample + w.offset(ky, w.cols.begin);
          std::fill(out, out + before, T(0));
          std::copy(src, src + inside, out + before);
          std::fill(out + before + inside, out + row_width, T(0));
        }
        std::fill(row + w.rows.end * row_width, row + patch_size, T(0));
      });
    }

    // The adjoint of im2col: dx = 0, then every column value is added back onto the input value
    // it was copied from (padded taps are dropped).
    template <class T>
    static void col2im(const T* columns, T* dx, std::size_t n) {
      constexpr std::size_t row_width = kernel_width * in_channels;
      std::fill(dx, dx + n * In::size, T(0));
      geometry::for_each_window(n, [&](const typename geometry::window& w) {
        T* sample = dx + w.sample * In::size;
        const T* row = columns + w.position * patch_size;
        const std::size_t before = w.cols.begin * in_channels, inside = (w.cols.end - w.cols.begin) * in_channels;
        for (std::size_t ky = w.rows.begin; ky < w.rows.end; ++ky) {
          const T* src = row + ky * row_width + before;
          T* out = sample + w.offset(ky, w.cols.begin);
          for (std::size_t i = 0; i < inside; ++i) out[i] += src[i];
        }
      });
    }
  };
};

}  // namespace ctnn
