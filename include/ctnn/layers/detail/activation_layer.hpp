#pragma once
// An activation used as a layer of its own (Keras' Activation layer): ctnn::sequential binds
// an activation policy A to activation_layer<A, In>.
#include <algorithm>
#include <array>
#include <span>

#include "../../core/layer.hpp"
#include "../../kernels/activation.hpp"
#include "../../detail/check_link.hpp"
#include "no_parameters.hpp"

namespace ctnn::detail {

template <class A, class In>
class activation_layer : public no_parameters {
 public:
  using input_shape = In;
  using output_shape = In;
  static constexpr std::string_view kind = A::name;
  // Row-wise activations (softmax) work on the last axis, as Keras' default axis=-1. Element-wise
  // ones run over rows of a sample (kernels::activate: whole SIMD batches from each row's start),
  // a time step of a sequence being a row, so that step() computes what forward() does.
  static constexpr std::size_t width = A::elementwise && In::rank != 2 ? In::size : In::dims[In::rank - 1];

  // The activation is the layer's fused output activation (layer_traits<L>::activation_type):
  // it writes forward_io::preactivation, so a fused loss reads the logits.
  using activation_type = A;
  A activation{};

  template <class T>
  void forward(const forward_io<T>& io, pass_context&) const {
    if (io.preactivation) std::copy(io.x, io.x + io.n * In::size, io.preactivation);
    kernels::activate_into(activation, io.x, io.y, io.n * In::size / width, width);
  }
  // One time step of a sequence (model::step): one row of the last axis.
  template <class T>
    requires(In::rank == 2)
  void step(const step_io<T>& io) const {
    kernels::activate_into(activation, io.x, io.y, 1, width);
  }

  // f' from y, or from the input z itself for an activation whose derivative reads z (swish,
  // gelu: backward_reads_z_v).
  template <class T>
  void backward(const backward_io<T>& io, pass_context&) const {
    if (!io.dy_is_preactivation)
      kernels::activate_backward(activation, kernels::derivative_operand(activation, io.y, io.x), io.dy,
                                 io.n * In::size / width, width);
    if (io.dx) std::copy(io.dy, io.dy + io.n * In::size, io.dx);
  }
};

}  // namespace ctnn::detail
