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
  // Row-wise activations (softmax) work on the last axis, as Keras' default axis=-1.
  static constexpr std::size_t width = In::dims[In::rank - 1];

  // The activation is the layer's fused output activation (layer_traits<L>::activation_type):
  // it writes forward_io::preactivation, so a fused loss reads the logits.
  using activation_type = A;
  A activation{};

  template <class T>
  void forward(const forward_io<T>& io, pass_context&) const {
    if (io.preactivation) std::copy(io.x, io.x + io.n * In::size, io.preactivation);
    std::copy(io.x, io.x + io.n * In::size, io.y);
    kernels::activate(activation, io.y, io.n * In::size / width, width);
  }
  // One time step of a sequence (model::step): one row of the last axis.
  template <class T>
    requires(In::rank == 2)
  void step(const step_io<T>& io) const {
    std::copy(io.x, io.x + width, io.y);
    kernels::activate(activation, io.y, 1, width);
  }

  template <class T>
  void backward(const backward_io<T>& io, pass_context&) const {
    if (!io.dy_is_preactivation)
      kernels::activate_backward(activation, io.y, io.dy, io.n * In::size / width, width);
    if (io.dx) std::copy(io.dy, io.dy + io.n * In::size, io.dx);
  }
};

}  // namespace ctnn::detail
