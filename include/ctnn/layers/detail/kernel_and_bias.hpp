#pragma once
// The parameter side of every layer that has one kernel and an optional bias (dense, conv1d,
// conv2d, depthwise_conv2d): the tensors and their place in the layer's arena slice, Keras' fans,
// the initializers, the regularizers and the fused output activation, all from the layer's weight
// options (layers/detail/weight_options.hpp). One implementation, so the layers cannot drift
// apart.
#include <algorithm>
#include <array>
#include <cstddef>
#include <span>

#include "../../activations/activation.hpp"
#include "../../core/layer.hpp"
#include "../../detail/aligned_buffer.hpp"
#include "../../detail/random.hpp"
#include "regularization.hpp"

namespace ctnn::detail {

// Options: a weight_options<...> (or options with the same members). The kernel has shape
// KernelDims..., the bias Units values, one per output channel; FanIn and FanOut are Keras' fans
// for the initializers.
template <class Options, std::size_t FanIn, std::size_t FanOut, std::size_t Units, std::size_t... KernelDims>
struct basic_kernel_and_bias
    : regularization<typename Options::kernel_regularizer_type, typename Options::bias_regularizer_type> {
  static constexpr bool has_bias = Options::has_bias;
  static constexpr std::size_t units = Units;
  static constexpr std::size_t kernel_size = (KernelDims * ...);
  static constexpr std::size_t bias_offset = aligned_count(kernel_size);
  static constexpr std::size_t parameter_count = kernel_size + (has_bias ? units : 0);
  static constexpr std::size_t parameter_storage = has_bias ? bias_offset + aligned_count(units) : bias_offset;

  static constexpr auto parameters = [] {
    constexpr parameter_info kernel{"kernel", {KernelDims...}, sizeof...(KernelDims), kernel_size, 0,
                                    FanIn, FanOut, parameter_role::kernel};
    if constexpr (has_bias)
      return std::array{kernel, parameter_info{"bias", {units}, 1, units, bias_offset, FanIn, FanOut,
                                               parameter_role::bias}};
    else
      return std::array{kernel};
  }();

  // The output activation, fused into the layer's product (layer_traits<L>::activation_type).
  using activation_type = typename Options::activation_type;
  activation_type activation{};

  // An activation whose derivative reads z rather than y (swish, gelu: backward_reads_z_v): the
  // forward pass keeps z = x W + b in the layer's workspace, where the backward pass reads f'
  // off it. The layer reserves the room (its workspace_size) and says where (`kept`).
  static constexpr bool keeps_preactivation = backward_reads_z_v<activation_type>;

 protected:
  // Where forward writes z (affine_forward's preactivation): `kept` when the layer keeps it,
  // otherwise the logits a fused loss asked for, or nowhere (null).
  template <class T>
  static T* preactivation_target(T* kept, T* logits) noexcept { return keeps_preactivation ? kept : logits; }
  // The logits a fused loss asked for, when z went to the workspace instead.
  template <class T>
  static void copy_logits(const T* kept, T* logits, std::size_t count) {
    if (keeps_preactivation && logits) std::copy(kept, kept + count, logits);
  }

 public:
  template <class T>
  void initialize(std::span<T> p, rng& r) const {
    typename Options::kernel_initializer_type{}(p.subspan(0, kernel_size), FanIn, FanOut, r);
    if constexpr (has_bias) typename Options::bias_initializer_type{}(p.subspan(bias_offset, units), FanIn, FanOut, r);
  }

 protected:
  // The bias slice of a parameter (or gradient) slice, or null without a bias.
  template <class T>
  static T* bias_of(T* slice) noexcept { return has_bias ? slice + bias_offset : nullptr; }
};

// The usual case (dense, conv1d, conv2d): the kernel's last dimension is the number of units.
template <std::size_t... Dims>
inline constexpr std::size_t last_dim = std::array{Dims...}[sizeof...(Dims) - 1];
template <class Options, std::size_t FanIn, std::size_t FanOut, std::size_t... KernelDims>
using kernel_and_bias = basic_kernel_and_bias<Options, FanIn, FanOut, last_dim<KernelDims...>, KernelDims...>;

}  // namespace ctnn::detail
