#pragma once
// The PyTorch reference values of the dilated conv2d, depthwise_conv2d and separable_conv2d
// (tests/layers/conv2d_reference.py), and each case's layer spec, bound from the case's own
// hyperparameters so that a case and the layer it checks cannot disagree.
#include <algorithm>
#include <cstddef>
#include <iterator>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include <ctnn/core/layer.hpp>
#include <ctnn/core/layer_traits.hpp>

#include <ctnn/layers/conv2d.hpp>
#include <ctnn/layers/depthwise_conv2d.hpp>
#include <ctnn/layers/separable_conv2d.hpp>

namespace conv2d_reference {
#include "conv2d_reference.inc"

template <class C>
using padding_of = std::conditional_t<C::same, ctnn::padding::same, ctnn::padding::valid>;
template <class C>
using input_of = ctnn::shape<C::height, C::width, C::channels>;

template <class C>
using conv2d_of = ctnn::conv2d<C::filters, ctnn::kernel<C::kernel_h, C::kernel_w>, ctnn::strides<C::stride_h, C::stride_w>,
                               ctnn::dilation_rate<C::dilation_h, C::dilation_w>, padding_of<C>, ctnn::use_bias<C::use_bias>>;
template <class C>
using depthwise_of =
    ctnn::depthwise_conv2d<ctnn::kernel<C::kernel_h, C::kernel_w>, ctnn::depth_multiplier<C::multiplier>,
                           ctnn::strides<C::stride_h, C::stride_w>, ctnn::dilation_rate<C::dilation_h, C::dilation_w>,
                           padding_of<C>, ctnn::use_bias<C::use_bias>>;
template <class C>
using separable_of =
    ctnn::separable_conv2d<C::filters, ctnn::kernel<C::kernel_h, C::kernel_w>, ctnn::depth_multiplier<C::multiplier>,
                           ctnn::strides<C::stride_h, C::stride_w>, ctnn::dilation_rate<C::dilation_h, C::dilation_w>,
                           padding_of<C>, ctnn::use_bias<C::use_bias>>;

// The bound layer L's forward pass (float) on case C's input, its tensors filled by name from the
// case's weights.
template <class L, class C>
std::vector<float> forward(L& layer) {
  std::vector<float> params(L::parameter_storage, 0.0f);
  for (const auto& p : L::parameters) {
    const float* from = nullptr;
    std::size_t size = 0;
    if (p.name == "bias") from = C::bias, size = std::size(C::bias);
    if constexpr (requires { C::kernel; })
      if (p.name == "kernel") from = C::kernel, size = std::size(C::kernel);
    if constexpr (requires { C::pointwise_kernel; }) {
      if (p.name == "depthwise_kernel") from = C::depthwise_kernel, size = std::size(C::depthwise_kernel);
      if (p.name == "pointwise_kernel") from = C::pointwise_kernel, size = std::size(C::pointwise_kernel);
    }
    if (!from || size != p.size) return {};  // a tensor the case does not have: the caller's size check fails
    std::copy(from, from + size, params.begin() + static_cast<std::ptrdiff_t>(p.offset));
  }
  std::vector<float> y(C::n * L::output_shape::size, -99.0f);
  std::vector<float> work(C::n * ctnn::layer_traits<L>::workspace_size + 1);
  ctnn::pass_context ctx;
  layer.forward(ctnn::forward_io<float>{params.data(), C::x, y.data(), C::n, work.data()}, ctx);
  return y;
}
}  // namespace conv2d_reference
