#pragma once
// The one lowering of every convolution (ctnn::conv2d, and ctnn::conv1d as a window of height K
// and width 1 over its (steps, 1, channels) view), dilated or not: the passes of a bound convolution whose
// window is Geometry (a window2d, layers/detail/window2d.hpp) and whose kernel and bias are
// Parameters (a kernel_and_bias whose kernel's rows are the window's taps, in order (ky, kx,
// channel), and whose columns are the filters).
//
// The convolution is lowered to one matrix product. im2col copies every window of the batch into
// a row of the layer's workspace (n*out_h*out_w rows of Kh*Kw*in_channels values, the same order
// as W's rows), so that
//   y (n*out_h*out_w x Filters, exactly the channels-last output) = columns . W + b
// is a single kernels::matmul, followed by the activation in one pass. The backward pass reads
// the columns forward left in the workspace: dW = columns^T . dz, db = column sums of dz, and
// d(columns) = dz . W^T (written over the columns, no longer needed), scattered back onto dx by
// col2im. A 1x1 kernel with stride 1 needs no lowering: x itself is the column matrix.
// (Processing the batch in cache-sized blocks of samples instead was measured: no difference
// at batch 64 on 28x28 images, so the passes stay whole-batch and the products large.)
#include "../../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <type_traits>

#include "../../core/layer.hpp"
#include "../../kernels/activation.hpp"
#include "../../kernels/affine.hpp"
#include "../../kernels/arch/isa.hpp"
#include "../../kernels/epilogue.hpp"
#include "../../kernels/gemm/blocking.hpp"
#include "../../kernels/matmul.hpp"
#include "../../kernels/matrix_ref.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn::detail {

template <class Geometry, class Parameters>
class convolution : public Parameters {
 public:
  static constexpr std::size_t filters = Parameters::units;
  static constexpr std::size_t in_channels = Geometry::channels;
  // Values per window: one row of the lowered input, one row of W per filter column.
  static constexpr std::size_t patch_size = Geometry::kernel_h * Geometry::kernel_w * in_channels;
  static constexpr std::size_t positions = Geometry::out_h * Geometry::out_w;
  // 1x1, stride 1 (never padded): the input already is the column matrix.
  static constexpr bool pointwise = Geometry::kernel_h == 1 && Geometry::kernel_w == 1 &&
                                    Geometry::stride_h == 1 && Geometry::stride_w == 1;
  // Per sample: the im2col columns, reused for their gradient in the backward pass; after the
  // columns of the batch, z for an activation whose derivative reads it (keeps_preactivation).
  static constexpr std::size_t columns_size = pointwise ? 0 : positions * patch_size;
  static constexpr std::size_t workspace_size =
      columns_size + (Parameters::keeps_preactivation ? positions * filters : 0);

  // y = f(columns . W + b) in one product: the bias and an element-wise f are applied to the
  // sums in registers (kernels::fused_activation), as in dense.
  template <class T>
  void forward(const forward_io<T>& io, pass_context& ctx) const {
    if constexpr (std::is_same_v<T, float> && direct)
      if (!ctx.backward_follows && io.n <= direct_max_batch && !io.preactivation) {
        direct_forward(io);
        return;
      }
    const T* columns = io.x;
    if constexpr (!pointwise) {
      im2col(io.x, io.workspace, io.n);
      columns = io.workspace;
    }
    T* const kept = io.workspace + io.n * columns_size;
    kernels::affine_forward(io.n * positions, filters, patch_size, columns, io.params,
                            Parameters::bias_of(io.params), io.y, this->activation,
                            Parameters::preactivation_target(kept, io.preactivation));
    Parameters::copy_logits(kept, io.preactivation, io.n * positions * filters);
  }

  // The direct path: for a few samples with no backward pass to follow (predict_one, small
  // predicts), each output pixel's filters are sums in registers over the window's taps, read
  // from the input where they lie and from W (which must fit in L1 with room to spare), so the
  // im2col copy and the packing of a product with k = patch_size <= 400 are not made. The
  // arithmetic is the product's: each sum from zero, the taps' multiply-adds in W's row order
  // (one K block: patch_size <= kernels::detail::gemm_kc), then the bias, then the activation
  // (kernels::fused_activation); a padded tap, a zero in the columns, adds nothing (W is
  // finite) and is skipped. So its outputs equal the im2col path's (tests/layers/conv2d.cpp).
  // Measured on W2 (28 x 28 x 1, 32 filters 3 x 3): bench/README.md.
  static constexpr std::size_t direct_max_batch = 4;
  static constexpr bool direct =
      !pointwise && filters % kernels::detail::simd_width == 0 && filters / kernels::detail::simd_width <= 8 &&
      patch_size <= kernels::detail::gemm_kc && patch_size * filters * sizeof(float) <= 16384 &&
      Parameters::activation_type::elementwise && !Parameters::keeps_preactivation;

  // Reports its gradients to ctx.gradients (core/gradient_guard.hpp), as dense.
  static constexpr bool checks_gradients = true;

  // dz = dy f'(z) (in place; f' read off y, or off the kept z) and db = column sums of dz in one
  // pass, dW = columns^T dz, dx = col2im(dz W^T), the columns' gradient written over the columns.
  template <class T>
  void backward(const backward_io<T>& io, pass_context& ctx) const {
    const std::size_t rows = io.n * positions;
    const T* columns = pointwise ? io.x : io.workspace;
    const T* const kept = io.workspace + io.n * columns_size;
    kernels::affine_backward(rows, filters, patch_size, columns,
                             kernels::derivative_operand(this->activation, io.y, kept), io.dy, io.grads,
                             Parameters::bias_of(io.grads), this->activation, io.dy_is_preactivation,
                             ctx.gradients);
    const T* dz = io.dy;
    if (!io.dx) return;
    if constexpr (pointwise) {
      kernels::matmul(kernels::matrix_ref{dz, rows, filters},
                      kernels::matrix_ref{io.params, in_channels, filters}.transposed(),
                      kernels::matrix_ref{io.dx, rows, in_channels});
    } else {
      kernels::matmul(kernels::matrix_ref{dz, rows, filters},
                      kernels::matrix_ref{io.params, patch_size, filters}.transposed(),
                      kernels::matrix_ref{io.workspace, rows, patch_size});
      col2im(io.workspace, io.dx, io.n);
    }
  }

 private:
  static constexpr std::size_t input_size = Geometry::input_size;

  void direct_forward(const forward_io<float>& io) const {
    using kernels::detail::gemm_batch;
    constexpr std::size_t width = gemm_batch::size, batches = filters / width;
    const auto epilogue = kernels::fused_activation(this->activation);
    const float* const bias = Parameters::bias_of(io.params);
    Geometry::for_each_window(io.n, [&](const typename Geometry::window& w) {
      const float* const sample = io.x + w.sample * input_size;
      gemm_batch sum[batches];
      for (auto& v : sum) v = gemm_batch(0.0f);
      w.for_each_tap([&](std::size_t ky, std::size_t kx, std::size_t offset) {
        const float* const taps = io.params + (ky * Geometry::kernel_w + kx) * in_channels * filters;
        for (std::size_t c = 0; c < in_channels; ++c) {
          const gemm_batch x(sample[offset + c]);
          for (std::size_t q = 0; q < batches; ++q)
            sum[q] = kernels::detail::fmadd(x, gemm_batch::load_unaligned(taps + c * filters + q * width), sum[q]);
        }
      });
      float* const out = io.y + w.position * filters;
      for (std::size_t q = 0; q < batches; ++q) {
        if (bias) sum[q] += gemm_batch::load_unaligned(bias + q * width);
        epilogue(sum[q], q * width).store_unaligned(out + q * width);
      }
    });
  }

  // Row (s, oy, ox) of the columns holds the window of output (oy, ox) of sample s in W's row
  // order (ky, kx, channel); padded taps are zeros. Without column dilation the taps of one kernel
  // row that are inside the input are contiguous in x (kx steps one pixel), so each kernel row is
  // one copy; with it (Dw > 1) each tap's channels are a copy of their own.
  template <class T>
  static void im2col(const T* x, T* columns, std::size_t n) {
    constexpr std::size_t row_width = Geometry::kernel_w * in_channels;
    Geometry::for_each_window(n, [&](const typename Geometry::window& w) {
      const T* sample = x + w.sample * input_size;
      T* row = columns + w.position * patch_size;
      if constexpr (Geometry::dilation_w > 1) {
        std::fill(row, row + patch_size, T(0));
        w.for_each_tap([&](std::size_t ky, std::size_t kx, std::size_t offset) {
          std::memcpy(row + ky * row_width + kx * in_channels, sample + offset, in_channels * sizeof(T));
        });
        return;
      }
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
    constexpr std::size_t row_width = Geometry::kernel_w * in_channels;
    std::fill(dx, dx + n * input_size, T(0));
    Geometry::for_each_window(n, [&](const typename Geometry::window& w) {
      T* sample = dx + w.sample * input_size;
      const T* row = columns + w.position * patch_size;
      if constexpr (Geometry::dilation_w > 1) {
        w.for_each_tap([&](std::size_t ky, std::size_t kx, std::size_t offset) {
          const T* src = row + ky * row_width + kx * in_channels;
          for (std::size_t i = 0; i < in_channels; ++i) sample[offset + i] += src[i];
        });
        return;
      }
      const std::size_t before = w.cols.begin * in_channels, inside = (w.cols.end - w.cols.begin) * in_channels;
      for (std::size_t ky = w.rows.begin; ky < w.rows.end; ++ky) {
        const T* src = row + ky * row_width + before;
        T* out = sample + w.offset(ky, w.cols.begin);
        for (std::size_t i = 0; i < inside; ++i) out[i] += src[i];
      }
    });
  }
};

}  // namespace ctnn::detail
CTNN_DETAIL_SIMD_END
