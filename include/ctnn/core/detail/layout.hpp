#pragma once
// detail::layout<InputShape, std::tuple<Layers...>>: the one owner of where everything of a chain
// of bound layers lives. It computes, once and at compile time, every offset (each layer's
// slice of the parameter arena, each layer's output and scratch within a pass's workspace),
// carves a block of memory into the buffers of a pass over n samples, and runs the forward and
// backward folds over the layers with those buffers. The model (training and predict_one), the
// weight files and the finite-difference checks all ask it; nobody else does pointer arithmetic
// on these blocks.
//
// A pass's block, for n samples (every piece SIMD-aligned per sample, so every row is too):
//   outputs     n x activation_storage   layer i's output at n * activation_offsets[i]
//   workspace   n x workspace_storage    layer i's scratch at n * workspace_offsets[i]
//   gradients   2 x n x widest           dL/dy of the layer being run back, and its dL/dx
//   logits      n x output size          the last layer's pre-activations (a fused loss)
//   input       n x input size           dL/dx of the first layer (a residual body needs it)
// the last three only when a pass_needs asks for them.
#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <tuple>
#include <utility>

#include "../../detail/aligned_buffer.hpp"
#include "../layer.hpp"
#include "../layer_traits.hpp"

namespace ctnn::detail {

// What a pass needs besides the layers' outputs and scratch.
struct pass_needs {
  bool gradients = false;       // a backward pass
  bool logits = false;          // the last layer writes its pre-activations (forward_io::preactivation)
  bool input_gradient = false;  // the backward pass also gives dL/dx of the first layer
};

// The buffers of one pass over `rows` samples, carved by layout::carve.
template <class T, std::size_t LayerCount>
struct pass_buffers {
  std::size_t rows = 0;
  std::array<T*, LayerCount> outputs{};
  T* workspace = nullptr;
  T* gradients[2] = {nullptr, nullptr};  // gradients[0] holds dL/d(network output) before backward
  T* logits = nullptr;
  T* input_gradient = nullptr;
  // The last layer's output.
  T* output() const noexcept {
    if constexpr (LayerCount == 0) return nullptr;
    else return outputs[LayerCount - 1];
  }
};

template <class InputShape, class Layers>
struct layout;

template <class InputShape, class... Ls>
struct layout<InputShape, std::tuple<Ls...>> {
  using layer_types = std::tuple<Ls...>;
  static constexpr std::size_t layer_count = sizeof...(Ls);
  template <class T> using buffers = pass_buffers<T, layer_count>;

 private:
  template <std::size_t N>
  static constexpr std::array<std::size_t, N> offsets_of(const std::array<std::size_t, N>& sizes) {
    std::array<std::size_t, N> o{};
    for (std::size_t i = 1; i < N; ++i) o[i] = o[i - 1] + sizes[i - 1];
    return o;
  }
  template <std::size_t N>
  static constexpr std::size_t sum(const std::array<std::size_t, N>& sizes) {
    std::size_t s = 0;
    for (auto v : sizes) s += v;
    return s;
  }
  static constexpr std::array<std::size_t, layer_count> parameter_slices{aligned_count(Ls::parameter_storage)...};
  static constexpr std::array<std::size_t, layer_count> output_slices{aligned_count(Ls::output_shape::size)...};
  static constexpr std::array<std::size_t, layer_count> workspace_slices{
      aligned_count(layer_traits<Ls>::workspace_size)...};
  static constexpr std::array<std::size_t, layer_count> streaming_slices{
      aligned_count(layer_traits<Ls>::streaming_state_size)...};

 public:
  // Where each layer's parameters start in the parameter arena (and its gradients in the
  // gradient arena), and the arena's floats.
  static constexpr std::array<std::size_t, layer_count> parameter_offsets = offsets_of(parameter_slices);
  static constexpr std::size_t parameter_storage = sum(parameter_slices);
  // Per sample: where each layer's output and scratch start, and their floats.
  static constexpr std::array<std::size_t, layer_count> activation_offsets = offsets_of(output_slices);
  static constexpr std::size_t activation_storage = sum(output_slices);
  static constexpr std::array<std::size_t, layer_count> workspace_offsets = offsets_of(workspace_slices);
  static constexpr std::size_t workspace_storage = sum(workspace_slices);
  static constexpr std::size_t input_size = InputShape::size;
  static constexpr std::size_t output_size =
      std::array<std::size_t, layer_count + 1>{InputShape::size, Ls::output_shape::size...}[layer_count];
  // Per sample: the widest tensor a backward pass moves between layers.
  static constexpr std::size_t widest =
      std::max({aligned_count(InputShape::size), aligned_count(Ls::output_shape::size)...});

  // ---- Streaming (model::step): one time step of a sequence through every layer ----------
  // A layer on a sequence (input rank 2) streams through its step() (layer_traits<L>::streams),
  // carrying layer_traits<L>::streaming_state_size floats; a layer after the time axis is gone
  // (input rank 1) streams through forward() on one sample.
  template <class L>
  static constexpr bool streams_ = L::input_shape::rank == 1 || layer_traits<L>::streams;
  // The first layer that cannot run step by step, or layer_count.
  static constexpr std::size_t first_not_streaming = [] {
    constexpr std::array<bool, layer_count> streams{streams_<Ls>...};
    for (std::size_t i = 0; i < layer_count; ++i)
      if (!streams[i]) return i;
    return layer_count;
  }();
  // Where each layer's state starts in the streaming state, and its floats.
  static constexpr std::array<std::size_t, layer_count> streaming_state_offsets = offsets_of(streaming_slices);
  static constexpr std::size_t streaming_state_storage = sum(streaming_slices);
  // Floats of one step's input (a step of the network's input) and output (a step of the last
  // layer's output, or all of it where the time axis is gone).
  static constexpr std::size_t step_input_size = InputShape::dims[InputShape::rank - 1];
  static constexpr std::size_t step_output_size = [] {
    constexpr std::array<std::size_t, layer_count + 1> sizes{
        InputShape::dims[InputShape::rank - 1],
        (Ls::input_shape::rank == 2 && Ls::output_shape::rank == 2 ? Ls::output_shape::dims[1]
                                                                   : Ls::output_shape::size)...};
    return sizes[layer_count];
  }();

  // One time step: x is step_input_size floats, state the streaming state (updated), b the
  // buffers of a pass over one sample (each layer's step output lands in b.outputs[I]).
  template <class T>
  static void step(layer_types& layers, const T* params, const T* x, T* state, const buffers<T>& b, pass_context& ctx) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (([&] {
         auto& l = std::get<I>(layers);
         if constexpr (std::tuple_element_t<I, layer_types>::input_shape::rank == 2)
           l.step(step_io<T>{params + parameter_offsets[I], input_of<I>(x, b), b.outputs[I], state + streaming_state_offsets[I]});
         else
           l.forward(forward_io<T>{params + parameter_offsets[I], input_of<I>(x, b), b.outputs[I], 1,
                                   b.workspace + workspace_offsets[I], nullptr},
                     ctx);
       }()),
       ...);
    }(std::make_index_sequence<layer_count>{});
  }

  // Floats of a pass's block over `rows` samples.
  static constexpr std::size_t pass_floats(std::size_t rows, pass_needs needs) noexcept {
    return rows * (activation_storage + workspace_storage + (needs.gradients ? 2 * widest : 0) +
                   (needs.logits ? aligned_count(output_size) : 0) +
                   (needs.input_gradient ? aligned_count(InputShape::size) : 0));
  }

  // The buffers of a pass over `rows` samples in a block of pass_floats(rows, needs) floats.
  template <class T>
  static buffers<T> carve(T* block, std::size_t rows, pass_needs needs) noexcept {
    buffers<T> b;
    b.rows = rows;
    for (std::size_t i = 0; i < layer_count; ++i) b.outputs[i] = block + rows * activation_offsets[i];
    T* next = block + rows * activation_storage;
    b.workspace = next;
    next += rows * workspace_storage;
    if (needs.gradients) {
      b.gradients[0] = next;
      b.gradients[1] = next + rows * widest;
      next += 2 * rows * widest;
    }
    if (needs.logits) {
      b.logits = next;
      next += rows * aligned_count(output_size);
    }
    if (needs.input_gradient) b.input_gradient = next;
    return b;
  }

  // Layer I's slice of a parameter (or gradient) arena.
  template <std::size_t I, class T>
  static std::span<T> slice(T* arena) noexcept {
    return {arena + parameter_offsets[I], std::tuple_element_t<I, layer_types>::parameter_storage};
  }

  // Runs every layer over b.rows samples of x, each writing its output buffer; the last one
  // also writes b.logits when the pass has them.
  template <class T>
  static void forward(layer_types& layers, const T* params, const T* x, const buffers<T>& b, pass_context& ctx) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (std::get<I>(layers).forward(
           forward_io<T>{params + parameter_offsets[I], input_of<I>(x, b), b.outputs[I], b.rows,
                         b.workspace + b.rows * workspace_offsets[I], I + 1 == layer_count ? b.logits : nullptr},
           ctx),
       ...);
    }(std::make_index_sequence<layer_count>{});
  }

  // Back-propagates b.gradients[0] (dL/d output on entry; overwritten) through every layer, last
  // first, writing each layer's parameter gradients into grads, and dL/dx of the first layer into
  // b.input_gradient when the pass has it. fused_last: b.gradients[0] already is dL/dz of the
  // last layer's activation (a fused loss). Needs the outputs and scratch forward() left in b.
  template <class T>
  static void backward(layer_types& layers, const T* params, T* grads, const T* x, const buffers<T>& b,
                       bool fused_last, pass_context& ctx) {
    std::size_t which = 0;  // the gradient buffer holding the current dL/dy
    [&]<std::size_t... K>(std::index_sequence<K...>) {
      // Last layer first: the comma fold runs K = 0, 1, ... and each step takes layer_count - 1 - K.
      (([&] {
         constexpr std::size_t J = layer_count - 1 - K;
         T* dx = J == 0 ? b.input_gradient : b.gradients[1 - which];
         std::get<J>(layers).backward(
             backward_io<T>{params + parameter_offsets[J], grads + parameter_offsets[J], input_of<J>(x, b),
                            b.outputs[J], b.gradients[which], dx, b.rows, fused_last && K == 0,
                            b.workspace + b.rows * workspace_offsets[J]},
             ctx);
         which = 1 - which;
       }()),
       ...);
    }(std::make_index_sequence<layer_count>{});
  }

 private:
  template <std::size_t I, class T>
  static const T* input_of(const T* x, const buffers<T>& b) noexcept {
    if constexpr (I == 0) return x;
    else return b.outputs[I - 1];
  }
};

}  // namespace ctnn::detail
