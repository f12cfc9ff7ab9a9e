#pragma once
// ctnn::sequential<input<Dims...>, Layers...>: a network as a type (Keras' Sequential).
// Composing it binds every layer spec to the shape that reaches it and checks each link once;
// a mistake stops the chain there, so one mistake gives one error.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdio>
#include <iostream>
#include <ostream>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../activations/activation.hpp"
#include "../detail/activation_layer.hpp"
#include "../detail/aligned_buffer.hpp"
#include "../detail/check_link.hpp"
#include "input.hpp"
#include "layer.hpp"
#include "shape.hpp"

namespace ctnn {

namespace detail {

template <class S, class In, bool IsActivation = activation<S>>
struct bind { using type = typename S::template layer<In>; };
template <class S, class In>
struct bind<S, In, true> { using type = activation_layer<S, In>; };
template <class S, class In>
using bind_t = typename bind<S, In>::type;

struct link_failed { static constexpr bool ok = false; };

template <std::size_t Position, class Entry, class InputShape>
struct check_entry {
  static constexpr bool is_layer = layer_spec<Entry> || activation<Entry>;
  static_assert(!is_input<Entry>::value,
                "ctnn::sequential: ctnn::input may only be the first entry, but the entry at Position is another input");
  static_assert(is_input<Entry>::value || is_layer,
                "ctnn::sequential: the entry at Position is not a layer (a layer spec such as ctnn::dense<Units>, or an activation such as ctnn::relu)");
  static constexpr bool ok =
      std::conditional_t<is_layer, check_link<Position, Entry, InputShape>, link_failed>::ok;
};

template <class... Ts> struct type_list {};

template <std::size_t Position, class In, class... Specs>
struct chain {
  using layers = std::tuple<>;
  using output_shape = In;
  static constexpr bool valid = true;
};

template <bool Ok, std::size_t Position, class In, class S, class... Rest>
struct chain_next {
  using bound = bind_t<S, In>;
  using rest = chain<Position + 1, typename bound::output_shape, Rest...>;
  using layers = decltype(std::tuple_cat(std::declval<std::tuple<bound>>(),
                                         std::declval<typename rest::layers>()));
  using output_shape = typename rest::output_shape;
  static constexpr bool valid = rest::valid;
};
template <std::size_t Position, class In, class S, class... Rest>
struct chain_next<false, Position, In, S, Rest...> {
  using layers = std::tuple<>;
  using output_shape = In;
  static constexpr bool valid = false;
};

template <std::size_t Position, class In, class S, class... Rest>
struct chain<Position, In, S, Rest...>
    : chain_next<check_entry<Position, S, In>::ok, Position, In, S, Rest...> {};

// The network's head: input first, at least one layer. Each mistake is reported once.
template <class... Entries>
struct network_head {
  static_assert(sizeof...(Entries) > 0,
                "ctnn::sequential<> is empty; a network is ctnn::sequential<ctnn::input<Dims...>, Layers...> with at least one layer");
  using input_shape = shape<1>;
  using links = chain<0, shape<1>>;
  static constexpr bool valid = false;
};
template <class First, class... Layers>
struct network_head<First, Layers...> {
  static constexpr bool starts_with_input = is_input<First>::value;
  static_assert(starts_with_input,
                "ctnn::sequential: the first entry must be ctnn::input<Dims...> (the shape of one sample), but the entry at position 0 is not an input");
  static_assert(!starts_with_input || sizeof...(Layers) > 0,
                "ctnn::sequential: the network has an input but no layer; add at least one layer after ctnn::input");
  template <class F, bool = starts_with_input> struct in { using type = shape<1>; };
  template <class F> struct in<F, true> { using type = typename F::shape_type; };
  using input_shape = typename in<First>::type;
  using links = std::conditional_t<starts_with_input && (sizeof...(Layers) > 0),
                                   chain<1, input_shape, Layers...>, chain<0, input_shape>>;
  static constexpr bool valid = starts_with_input && sizeof...(Layers) > 0 && links::valid;
};

}  // namespace detail

template <class... Entries>
struct sequential {
 private:
  using head = detail::network_head<Entries...>;

 public:
  // False when composing the network failed (the compiler has then printed why); the rest of
  // the type stays usable so that one mistake gives one error.
  static constexpr bool valid = head::valid;
  using input_shape = typename head::input_shape;
  using output_shape = typename head::links::output_shape;
  using layer_types = typename head::links::layers;  // std::tuple of bound layers
  static constexpr std::size_t layer_count = std::tuple_size_v<layer_types>;

 private:
  template <std::size_t... I>
  static constexpr auto collect(std::index_sequence<I...>, auto f) {
    return std::array<std::size_t, layer_count>{f(std::type_identity<std::tuple_element_t<I, layer_types>>{})...};
  }
  static constexpr auto each(auto f) { return collect(std::make_index_sequence<layer_count>{}, f); }
  static constexpr std::size_t sum(const auto& a) { std::size_t s = 0; for (auto v : a) s += v; return s; }

 public:
  static constexpr std::array<std::size_t, layer_count> parameter_counts =
      each([](auto t) { return decltype(t)::type::parameter_count; });
  static constexpr std::array<std::size_t, layer_count> output_sizes =
      each([](auto t) { return decltype(t)::type::output_shape::size; });
  // Where each layer's parameters start in the model's arena (SIMD-aligned slices).
  static constexpr std::array<std::size_t, layer_count> parameter_offsets = [] {
    std::array<std::size_t, layer_count> o{};
    const auto storage = each([](auto t) { return detail::aligned_count(decltype(t)::type::parameter_storage); });
    for (std::size_t i = 1; i < layer_count; ++i) o[i] = o[i - 1] + storage[i - 1];
    return o;
  }();
  static constexpr std::size_t parameter_storage = [] {
    const auto storage = each([](auto t) { return detail::aligned_count(decltype(t)::type::parameter_storage); });
    return sum(storage);
  }();
  // Trainable parameters, as Keras' summary counts them.
  static constexpr std::size_t parameter_count = sum(parameter_counts);
  // Per-sample floats of the forward workspace (every layer's output, aligned).
  static constexpr std::array<std::size_t, layer_count> activation_offsets = [] {
    std::array<std::size_t, layer_count> o{};
    for (std::size_t i = 1; i < layer_count; ++i) o[i] = o[i - 1] + detail::aligned_count(output_sizes[i - 1]);
    return o;
  }();
  static constexpr std::size_t activation_storage =
      layer_count == 0 ? 0 : activation_offsets[layer_count - 1] + detail::aligned_count(output_sizes[layer_count - 1]);
  // Per-sample scratch of each layer (detail::workspace_size_of), and where each starts.
  static constexpr std::array<std::size_t, layer_count> workspace_offsets = [] {
    std::array<std::size_t, layer_count> o{};
    const auto sizes = each([](auto t) { return detail::aligned_count(detail::workspace_size_of<typename decltype(t)::type>()); });
    for (std::size_t i = 1; i < layer_count; ++i) o[i] = o[i - 1] + sizes[i - 1];
    return o;
  }();
  static constexpr std::size_t workspace_storage = [] {
    return sum(each([](auto t) { return detail::aligned_count(detail::workspace_size_of<typename decltype(t)::type>()); }));
  }();
  // Per-sample floats of the widest tensor a backward pass moves between layers.
  static constexpr std::size_t widest = [] {
    std::size_t w = detail::aligned_count(input_shape::size);
    for (auto s : output_sizes) w = std::max(w, detail::aligned_count(s));
    return w;
  }();
  // Floats of workspace that inference on one sample needs: fixed, allocated with the model.
  static constexpr std::size_t inference_workspace_size = activation_storage + workspace_storage;

  // A Keras-style summary table.
  static void summary(std::ostream& os = std::cout) {
    const std::string rule(65, '_'), thick(65, '=');
    os << "Model: \"sequential\"\n" << rule << "\n";
    line(os, " Layer (type)", "Output Shape", "Param #");
    os << thick << "\n";
    summary_rows(os, std::make_index_sequence<layer_count>{});
    os << thick << "\n";
    os << "Total params: " << grouped(parameter_count) << "\nTrainable params: "
       << grouped(parameter_count) << "\nNon-trainable params: 0\n" << rule << "\n";
  }

  // Runs the layers over n samples. outs[i] is layer i's output buffer (n x output_sizes[i]);
  // work holds n x workspace_storage values (layer i's scratch at n * workspace_offsets[i]).
  template <class T>
  static void forward(layer_types& layers, const T* params, const T* x, T* const* outs, T* work,
                      std::size_t n, pass_context& ctx) {
    forward_each(layers, params, x, outs, work, n, ctx, std::make_index_sequence<layer_count>{});
  }

  // Back-propagates dy (dL/d output, n x output size; overwritten) through every layer, writing
  // each layer's parameter gradients into grads. scratch holds n x widest floats.
  template <class T>
  static void backward(layer_types& layers, const T* params, T* grads, const T* x,
                       T* const* outs, T* work, T* dy, T* scratch, std::size_t n, bool fused_last,
                       pass_context& ctx) {
    backward_each(layers, params, grads, x, outs, work, dy, scratch, n, fused_last, ctx,
                  std::make_index_sequence<layer_count>{});
  }

  // Sum of every regularized layer's penalty (Keras' model.losses), and its gradient added to
  // grads. Layers without regularizers cost nothing here.
  template <class T>
  static double regularization_penalty(const layer_types& layers, const T* params) {
    double p = 0;
    for_each_regularized(layers, [&](const auto& l, std::size_t offset) {
      p += l.penalty(std::remove_cvref_t<decltype(l)>::parameters, params + offset);
    });
    return p;
  }
  template <class T>
  static void add_regularization_gradients(const layer_types& layers, const T* params, T* grads) {
    for_each_regularized(layers, [&](const auto& l, std::size_t offset) {
      l.add_gradient(std::remove_cvref_t<decltype(l)>::parameters, params + offset, grads + offset);
    });
  }
  static constexpr bool regularized = [] {
    bool any = false;
    each([&](auto t) {
      if constexpr (requires { decltype(t)::type::regularized; }) any = any || decltype(t)::type::regularized;
      return std::size_t{0};
    });
    return any;
  }();

 private:
  template <class F>
  static void for_each_regularized(const layer_types& layers, F&& f) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (
          [&] {
            using L = std::tuple_element_t<I, layer_types>;
            if constexpr (requires { L::regularized; }) {
              if constexpr (L::regularized) f(std::get<I>(layers), parameter_offsets[I]);
            }
          }(),
          ...);
    }(std::make_index_sequence<layer_count>{});
  }

  template <class T, std::size_t... I>
  static void forward_each(layer_types& layers, const T* params, const T* x, T* const* outs,
                           T* work, std::size_t n, pass_context& ctx, std::index_sequence<I...>) {
    (std::get<I>(layers).forward(
         forward_io<T>{params + parameter_offsets[I], I == 0 ? x : outs[I == 0 ? 0 : I - 1], outs[I], n,
                       work + n * workspace_offsets[I]},
         ctx),
     ...);
  }

  template <class T, std::size_t... I>
  static void backward_each(layer_types& layers, const T* params, T* grads, const T* x,
                            T* const* outs, T* work, T* dy, T* scratch, std::size_t n,
                            bool fused_last, pass_context& ctx, std::index_sequence<I...>) {
    T* buffers[2] = {dy, scratch};
    std::size_t which = 0;
    // Last layer first: the comma fold runs I = 0, 1, ... and each step takes L - 1 - I.
    (backward_one<layer_count - 1 - I>(layers, params, grads, x, outs, work, buffers, which, n,
                                       fused_last && I == 0, ctx),
     ...);
  }

  template <std::size_t J, class T>
  static void backward_one(layer_types& layers, const T* params, T* grads, const T* x,
                           T* const* outs, T* work, T* (&buffers)[2], std::size_t& which,
                           std::size_t n, bool preactivation, pass_context& ctx) {
    T* dy = buffers[which];
    T* dx = J == 0 ? nullptr : buffers[1 - which];
    std::get<J>(layers).backward(
        backward_io<T>{params + parameter_offsets[J], grads + parameter_offsets[J],
                       J == 0 ? x : outs[J == 0 ? 0 : J - 1], outs[J], dy, dx, n, preactivation,
                       work + n * workspace_offsets[J]},
        ctx);
    which = 1 - which;
  }

  static void line(std::ostream& os, const std::string& a, const std::string& b, const std::string& c) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "%-29s%-26s%s\n", a.c_str(), b.c_str(), c.c_str());
    os << buf;
  }
  static std::string grouped(std::size_t v) {
    std::string s = std::to_string(v);
    for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), ",");
    return s;
  }
  template <std::size_t... I>
  static void summary_rows(std::ostream& os, std::index_sequence<I...>) {
    std::array<std::size_t, 64> seen{};  // how many layers of each kind so far, for Keras-style names
    std::array<std::string_view, 64> kinds{};
    std::size_t kind_count = 0;
    auto name_of = [&](std::string_view kind) {
      std::size_t k = 0;
      while (k < kind_count && kinds[k] != kind) ++k;
      if (k == kind_count && kind_count < kinds.size()) kinds[kind_count++] = kind;
      const std::size_t index = k < seen.size() ? seen[k]++ : 0;
      return std::string(kind) + (index ? "_" + std::to_string(index) : "");
    };
    (line(os, " " + name_of(std::tuple_element_t<I, layer_types>::kind) + " (" +
                  std::string(std::tuple_element_t<I, layer_types>::kind) + ")",
          std::tuple_element_t<I, layer_types>::output_shape::to_string(),
          std::to_string(parameter_counts[I])),
     ...);
  }
};

namespace detail {
template <class T> struct is_sequential : std::false_type {};
template <class... E> struct is_sequential<sequential<E...>> : std::true_type {};
}  // namespace detail

}  // namespace ctnn
