#pragma once
// ctnn::quantized<Net, Precision>: an inference-only copy of a trained network with its dense
// layers' kernels in reduced precision, Precision ctnn::bf16 or ctnn::int8 (quantization/bf16.hpp,
// int8.hpp say what each computes). Net is the network (a ctnn::sequential) or a ctnn::model
// type. Made from a model, or from a parameter arena of the network (model::parameters(), a
// weight file's contents; one holding a NaN or an infinity is refused); the float weights are
// not kept.
//
//   ctnn::quantized<decltype(model), ctnn::int8> q(model);
//   std::span<const float, 10> p = q.predict_one(x);
//
// predict_one allocates nothing and starts no thread: every buffer is made with the object.
// Supported so far: dense layers on features, and layers without parameters or state between
// them (flatten, reshape, dropout, gaussian_noise, activations). A network with any other layer
// that has parameters (a convolution, a recurrent layer, batch normalization) does not compile,
// with one sentence naming the layer's position.
#include <algorithm>
#include <concepts>
#include <cstddef>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>

#include "../core/sequential.hpp"
#include "../detail/check_link.hpp"
#include "../detail/finite.hpp"
#include "bf16.hpp"
#include "detail/stages.hpp"
#include "int8.hpp"

namespace ctnn {

namespace detail {
template <class T> struct network_of { using type = T; };
template <class T> requires requires { typename T::network; } struct network_of<T> { using type = typename T::network; };

struct no_reduced_precision_kernel {
  template <std::size_t Position, class Layer, class InputShape>
  struct report {
    static_assert(layer_accepts<Position, Layer, InputShape>,
                  "ctnn::quantized: the layer at Position has parameters or state but no reduced-precision form (so far: dense layers on features, and layers without parameters between them)");
  };
};

template <class L, class Precision>
using stage_of = std::conditional_t<quantizable_dense<L>, quantized_dense<L, Precision>, float_stage<L>>;
template <class Layers, class Precision> struct stages_of;
template <class... L, class Precision>
struct stages_of<std::tuple<L...>, Precision> { using type = std::tuple<stage_of<L, Precision>...>; };
}  // namespace detail

template <class Net, class Precision>
class quantized {
 public:
  using network = typename detail::network_of<Net>::type;
  using precision = Precision;
  using input_shape = typename network::input_shape;
  using output_shape = typename network::output_shape;

 private:
  using layer_types = typename network::layer_types;
  static constexpr std::size_t layer_count = network::layer_count;
  using stages = typename detail::stages_of<layer_types, Precision>::type;

  // The first layer that no stage can run (layer_count if none).
  static constexpr std::size_t first_unsupported = [] {
    std::size_t first = layer_count;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((first == layer_count &&
                !(detail::quantizable_dense<std::tuple_element_t<I, layer_types>> ||
                  detail::stateless_layer<std::tuple_element_t<I, layer_types>>)
            ? (first = I, 0)
            : 0),
       ...);
    }(std::make_index_sequence<layer_count>{});
    return first;
  }();
  static constexpr bool supported = [] {
    if constexpr (first_unsupported < layer_count) {
      using L = std::tuple_element_t<first_unsupported, layer_types>;
      (void)sizeof(detail::no_reduced_precision_kernel::report<first_unsupported + 1, L, typename L::input_shape>);
      return false;
    } else {
      return true;
    }
  }();

  // The widest activation between layers: both ping-pong buffers hold any layer's output.
  static constexpr std::size_t widest = [] {
    std::size_t w = input_shape::size;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((w = std::max(w, std::tuple_element_t<I, layer_types>::output_shape::size)), ...);
    }(std::make_index_sequence<layer_count>{});
    return w;
  }();

 public:
  // Bytes of the stored weights and scales (what the reduced precision is for).
  static constexpr std::size_t weight_bytes = [] {
    std::size_t b = 0;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((b += std::tuple_element_t<I, stages>::weight_bytes), ...);
    }(std::make_index_sequence<layer_count>{});
    return b;
  }();

  // From a parameter arena of the network: network::parameter_storage floats, as
  // model::parameters() holds them.
  explicit quantized(std::span<const float> parameters) {
    (void)supported;  // instantiated here: one sentence naming the first layer without a stage, if any
    if (parameters.size() != network::parameter_storage)
      throw std::invalid_argument("ctnn::quantized: the parameters hold " + std::to_string(parameters.size()) +
                                  " floats; the network has " + std::to_string(network::parameter_storage));
    if (const std::size_t i = detail::first_out_of_range(parameters.data(), parameters.size(),
                                                         std::numeric_limits<float>::max());
        i != parameters.size())
      throw std::invalid_argument("ctnn::quantized: parameter " + std::to_string(i) +
                                  " is not finite; a NaN or infinite weight has no reduced-precision value");
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (std::get<I>(stages_).load(parameters.data() + network::parameter_offsets[I]), ...);
    }(std::make_index_sequence<layer_count>{});
  }
  // From a trained model of the network: its parameters, and its layers' run-time settings
  // (an activation's, such as leaky_relu's alpha), which a parameter arena does not hold.
  template <class Model>
    requires std::same_as<typename detail::network_of<Model>::type, network> && requires(const Model& m) {
      { m.parameters() } -> std::convertible_to<std::span<const float>>;
    }
  explicit quantized(const Model& m) : quantized(std::span<const float>(m.parameters())) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (std::get<I>(stages_).adopt(m.template layer<I>()), ...);
    }(std::make_index_sequence<layer_count>{});
  }

  // Inference on one sample: no heap allocation, no thread. The view stays valid until the next
  // call on this object.
  std::span<const float, output_shape::size> predict_one(std::span<const float, input_shape::size> x) {
    const float* in = x.data();
    float* out = a_.data();
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((std::get<I>(stages_).run(in, out), in = out, out = out == a_.data() ? b_.data() : a_.data()), ...);
    }(std::make_index_sequence<layer_count>{});
    return std::span<const float, output_shape::size>(in, output_shape::size);
  }

 private:
  stages stages_;
  detail::aligned_words<float> a_ = detail::aligned_words<float>(widest, 0.0f);
  detail::aligned_words<float> b_ = detail::aligned_words<float>(widest, 0.0f);
};

}  // namespace ctnn
