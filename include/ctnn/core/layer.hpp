#pragma once
// The layer concept: what every layer implements. See docs/design.md.
//
// A *layer spec* is what users write in a network (ctnn::dense<10, ctnn::relu>): a description
// with no shape. ctnn::sequential binds each spec to the shape that reaches it, giving a *bound
// layer* (Spec::layer<InputShape>) whose shapes, parameter count and parameter layout are
// compile-time constants. A bound layer object holds its run-time hyperparameters and any
// per-layer state (moving averages, recurrent state, dropout masks); its trainable parameters
// live in the model's flat parameter arena and are passed in, so optimizers update every
// parameter of a model in one pass and save/load sees one contiguous, described block.
#include <array>
#include <concepts>
#include <cstddef>
#include <span>
#include <string_view>

#include "../detail/random.hpp"
#include "gradient_guard.hpp"
#include "shape.hpp"

namespace ctnn {

// Training or inference: layers such as dropout behave differently in the two.
enum class mode { inference, training };

// What a pass may need beyond its buffers.
struct pass_context {
  mode phase = mode::inference;
  detail::rng* rng = nullptr;  // for stochastic layers in training
  // Where backward() reports gradients out of range (core/gradient_guard.hpp); null when the
  // pass is not checked.
  gradient_guard* gradients = nullptr;
  // False when no backward pass will read this forward pass's workspace (predict, predict_one,
  // evaluate): a layer may then skip what it keeps only for backward (conv2d's im2col columns,
  // for its direct small-batch path). True by default, so that a forward followed by backward
  // needs no say.
  bool backward_follows = true;
};

// What a trainable tensor is for: its role decides which options apply to it (a kernel takes
// kernel_initializer and kernel_regularizer, a bias bias_initializer and bias_regularizer), and
// an importer maps a framework's tensors by it.
enum class parameter_role { kernel, recurrent_kernel, bias, gamma, beta };

// One trainable tensor of a bound layer, described at compile time.
struct parameter_info {
  std::string_view name;             // "kernel", "bias": Keras' names
  std::array<std::size_t, 4> dims{};  // the first `rank` entries are used
  std::size_t rank = 0;
  std::size_t size = 0;              // values
  std::size_t offset = 0;            // from the start of the layer's slice, SIMD-aligned
  std::size_t fan_in = 0, fan_out = 0;
  parameter_role role = parameter_role::kernel;
};

// Buffers for a forward pass over n samples, row-major, one sample per row.
template <class T>
struct forward_io {
  const T* params;  // the layer's slice of the parameter arena
  const T* x;       // n x input_shape::size
  T* y;             // n x output_shape::size
  std::size_t n;
  // n x layer_traits<L>::workspace_size scratch values of this layer (im2col columns, dropout masks); the
  // same memory is handed to the backward pass of the same batch.
  T* workspace = nullptr;
  // When set (only for the last layer, when the loss fuses with its activation): the layer also
  // writes its pre-activation values z there, n x output_shape::size, so that the loss is
  // computed from the logits as Keras does. Layers with a fused activation
  // (layer_traits<L>::activation_type) honour it.
  T* preactivation = nullptr;
};

// Buffers for a backward pass. dy holds dL/dy on entry and may be overwritten (layers turn it
// into dL/dz in place). dx is null for the first layer (nobody needs dL/dx there). grads is the
// layer's slice of the gradient arena, overwritten with this batch's gradients.
template <class T>
struct backward_io {
  const T* params;
  T* grads;
  const T* x;
  const T* y;
  T* dy;
  T* dx;
  std::size_t n;
  // dy already is dL/dz (pre-activation): set for the last layer when the loss fuses its
  // gradient with the layer's activation (softmax + categorical cross-entropy).
  bool dy_is_preactivation = false;
  T* workspace = nullptr;  // what forward() left there for this batch
};

// Buffers for one time step of a streaming layer (layer_traits<L>::streams, model::step): x is
// one step of the input (input_shape's last dimension: the features of a step), y one step of the
// output (output_shape's last dimension, or its whole size for a layer that drops the time axis,
// such as a recurrent layer without return_sequences: its output after this step), and state
// the layer's layer_traits<L>::streaming_state_size floats carried from step to step, updated in
// place; all zeros is the start of a sequence (model::reset_states).
template <class T>
struct step_io {
  const T* params;  // the layer's slice of the parameter arena
  const T* x;
  T* y;
  T* state;
};

// A bound layer: what every layer has. What a layer may have (a workspace, non-trainable state,
// a fused activation, ...) is answered by ctnn::layer_traits<L> (core/layer_traits.hpp).
template <class L>
concept layer = requires(L& l, std::span<float> p, detail::rng& r, pass_context& ctx,
                         const forward_io<float>& f, const backward_io<float>& b) {
  requires shape_type<typename L::input_shape>;
  requires shape_type<typename L::output_shape>;
  { L::kind } -> std::convertible_to<std::string_view>;
  { L::parameter_count } -> std::convertible_to<std::size_t>;  // as Keras counts them
  { L::parameter_storage } -> std::convertible_to<std::size_t>;  // floats of its arena slice
  L::parameters;  // a std::array of parameter_info
  l.initialize(p, r);
  l.forward(f, ctx);
  l.backward(b, ctx);
};

// A layer spec: marked by ctnn_layer_spec, validated and bound by ctnn::sequential.
template <class S>
concept layer_spec = requires { typename S::ctnn_layer_spec; };

}  // namespace ctnn
