#pragma once
// ctnn::layer_traits<L>: every optional capability of a bound layer, answered in one place with a
// default, as std::allocator_traits answers for an allocator. The model, the layout, io and the
// summary ask layer_traits; nothing else looks for a member of a layer by name. A layer opts in
// by declaring the member named below (or the traits are specialized for it):
//
//   member of L                              trait                      default
//   static constexpr size_t workspace_size   workspace_size             0
//     per-sample scratch floats, handed to forward and then to backward of the same batch
//   static constexpr size_t                  non_trainable_parameter_count  0
//     non_trainable_parameter_count: Keras' non-trainable weights kept in the layer object
//   state_tensors() -> range of state_tensor state_tensors(l)           none
//     that state, viewed for save/load (float64, by name)
//   static constexpr bool regularized        regularized                false
//     with penalty(parameters, p) / add_gradient(parameters, p, g) (layers/detail/regularization.hpp)
//   static constexpr bool checks_gradients   checks_gradients           false
//     backward() reports every gradient it writes to pass_context::gradients
//   using activation_type + member activation  activation_type          void
//     the output activation fused into the layer; such a layer writes forward_io::preactivation
//   static constexpr size_t streaming_state_size  streaming_state_size  0
//     per-sample floats carried from one time step to the next (recurrent layers, the past
//     inputs of a causal convolution)
//   template <class T> void step(const step_io<T>&) const   streams     false
//     a layer on a sequence (input rank 2) that can run one time step at a time (model::step);
//     layers on rank-1 inputs (after the time axis is gone) stream through forward() on one
//     sample and declare nothing
//   using path_layer_types (a block)         is_block                   false
//     ctnn::branches / ctnn::residual: paths of bound layers (path_layers<K>(),
//     path_parameter_offsets, path_layer_offsets<K>), opened by core/detail/nested_layers.hpp
//   static constexpr void describe(D&)       describe(d)                nothing
//     hyperparameters beyond shapes, activation and parameters, for the network description
//     (io/network_description.hpp): d.dims("window", {3, 3}), d.word("padding", "same"),
//     d.millionths("rate", 0.5)
//
// What every layer has (shapes, kind, parameters, initialize, forward, backward) is the
// ctnn::layer concept (core/layer.hpp), not a trait.
#include <array>
#include <cstddef>
#include <span>
#include <string_view>
#include <type_traits>

#include "layer.hpp"

namespace ctnn {

// One tensor of non-trainable state (batch normalization's moving statistics), by Keras' name.
struct state_tensor {
  std::string_view name;
  std::span<double> values;
};

template <class L>
struct layer_traits {
  static constexpr std::size_t workspace_size = [] {
    if constexpr (requires { L::workspace_size; }) return std::size_t{L::workspace_size};
    else return std::size_t{0};
  }();

  static constexpr std::size_t non_trainable_parameter_count = [] {
    if constexpr (requires { L::non_trainable_parameter_count; }) return std::size_t{L::non_trainable_parameter_count};
    else return std::size_t{0};
  }();

  static auto state_tensors(L& l) {
    if constexpr (requires { l.state_tensors(); }) return l.state_tensors();
    else return std::array<state_tensor, 0>{};
  }

  static constexpr bool regularized = [] {
    if constexpr (requires { L::regularized; }) return bool{L::regularized};
    else return false;
  }();

  static constexpr bool checks_gradients = [] {
    if constexpr (requires { L::checks_gradients; }) return bool{L::checks_gradients};
    else return false;
  }();

 private:
  template <class X> struct activation_of { using type = void; };
  template <class X> requires requires { typename X::activation_type; }
  struct activation_of<X> { using type = typename X::activation_type; };

 public:
  using activation_type = typename activation_of<L>::type;
  static constexpr bool has_activation = !std::is_void_v<activation_type>;

  static constexpr std::size_t streaming_state_size = [] {
    if constexpr (requires { L::streaming_state_size; }) return std::size_t{L::streaming_state_size};
    else return std::size_t{0};
  }();

  static constexpr bool is_block = requires { typename L::path_layer_types; };

  static constexpr bool streams = requires(const L& l, const step_io<float>& io) { l.step(io); };

  template <class D>
  static constexpr void describe(D& d) {
    if constexpr (requires { L::describe(d); }) L::describe(d);
  }
};

}  // namespace ctnn
