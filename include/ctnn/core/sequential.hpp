#pragma once
// ctnn::sequential<input<Dims...>, Layers...>: a network as a type (Keras' Sequential).
// Composing it binds every layer spec to the shape that reaches it and checks each link once;
// a mistake stops the chain there, so one mistake gives one error.
#include <algorithm>
#include <array>
#include <cstddef>
#include <iostream>
#include <ostream>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "../activations/activation.hpp"
#include "../layers/detail/activation_layer.hpp"
#include "../detail/aligned_buffer.hpp"
#include "../detail/check_link.hpp"
#include "detail/layout.hpp"
#include "detail/nested_layers.hpp"
#include "input.hpp"
#include "layer.hpp"
#include "layer_traits.hpp"
#include "shape.hpp"

namespace ctnn {

namespace detail {

template <class S, class In, bool IsActivation = activation<S>>
struct bind { using type = typename S::template layer<In>; };
template <class S, class In>
struct bind<S, In, true> { using type = activation_layer<S, In>; };
template <class S, class In>
using bind_t = typename bind<S, In>::type;

struct link_failed {};

template <std::size_t Position, class Entry, class InputShape>
struct check_entry {
  static constexpr bool is_layer = layer_spec<Entry> || activation<Entry>;
  static_assert(!is_input<Entry>::value,
                "ctnn::sequential: ctnn::input may only be the first entry, but the entry at Position is another input");
  static_assert(is_input<Entry>::value || is_layer,
                "ctnn::sequential: the entry at Position is not a layer (a layer spec such as ctnn::dense<Units>, or an activation such as ctnn::relu)");
  static_assert(sizeof(std::conditional_t<is_layer, check_link<Position, Entry, InputShape>, link_failed>) > 0);
};

// Whether an entry links: computed from the spec's verdict itself, never read from check_entry
// or check_link. clang marks a class whose static_assert failed invalid, and reading a member
// of it would add a cascade of errors after the one sentence; the checks are instantiated on
// their own, for that sentence.
template <class Entry, class InputShape>
inline constexpr bool entry_links =
    (layer_spec<Entry> || activation<Entry>) && links<Entry, InputShape>;

template <class... Ts> struct type_list {};

template <std::size_t Position, class In, class... Specs>
struct chain {
  using layers = std::tuple<>;
  using output_shape = In;
  static constexpr bool valid = true;
};

// The bound layer of an entry that links models ctnn::layer (core/layer.hpp): checked where it is
// bound, so a spec whose bound type lacks a member fails here, in one sentence, and ends the
// chain. (Nothing is bound for an entry that does not link: its error was reported already.)
template <bool Links, class Entry, class InputShape>
inline constexpr bool binds_to_layer = false;
template <class Entry, class InputShape>
inline constexpr bool binds_to_layer<true, Entry, InputShape> = layer<bind_t<Entry, InputShape>>;

template <bool Links, std::size_t Position, class Entry, class InputShape>
struct check_binding {};
template <std::size_t Position, class Entry, class InputShape>
struct check_binding<true, Position, Entry, InputShape> {
  using bound = bind_t<Entry, InputShape>;
  static_assert(layer<bound>,
                "ctnn::sequential: the entry at Position binds to a type that does not model ctnn::layer (shapes, kind, parameter_count, parameter_storage, parameters, initialize, forward, backward; core/layer.hpp)");
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
    : chain_next<binds_to_layer<entry_links<S, In>, S, In>, Position, In, S, Rest...> {
  static_assert(sizeof(check_entry<Position, S, In>) > 0);  // its one sentence, if the entry does not link
  static_assert(sizeof(check_binding<entry_links<S, In>, Position, S, In>) > 0);  // or if it binds to a non-layer
};

// The network's head: input first, at least one layer. check_head holds the sentences (each
// mistake reported once); network_head the shapes and links, computed without reading
// check_head (clang would add a cascade of errors after a failed static_assert's class).
template <class... Entries>
struct check_head {
  static_assert(sizeof...(Entries) > 0,
                "ctnn::sequential<> is empty; a network is ctnn::sequential<ctnn::input<Dims...>, Layers...> with at least one layer");
};
template <class First, class... Layers>
struct check_head<First, Layers...> {
  static_assert(is_input<First>::value,
                "ctnn::sequential: the first entry must be ctnn::input<Dims...> (the shape of one sample), but the entry at position 0 is not an input");
  static_assert(!is_input<First>::value || sizeof...(Layers) > 0,
                "ctnn::sequential: the network has an input but no layer; add at least one layer after ctnn::input");
};

template <class... Entries>
struct network_head {
  using input_shape = shape<1>;
  using links = chain<0, shape<1>>;
  static constexpr bool valid = false;
};
template <class First, class... Layers>
struct network_head<First, Layers...> {
  static constexpr bool starts_with_input = is_input<First>::value;
  template <class F, bool = starts_with_input> struct in { using type = shape<1>; };
  template <class F> struct in<F, true> { using type = typename F::shape_type; };
  using input_shape = typename in<First>::type;
  // An input with a zero dimension has its own sentence (core/input.hpp); no layer is bound to
  // it. Read from the template arguments, not from the input (clang would add errors after
  // the input's failed static_assert).
  template <class F> struct zero_dimension : std::false_type {};
  template <std::size_t... D> struct zero_dimension<input<D...>> : std::bool_constant<((D == 0) || ...)> {};
  static constexpr bool input_ok = starts_with_input && !zero_dimension<First>::value;
  using links = std::conditional_t<input_ok && (sizeof...(Layers) > 0), chain<1, input_shape, Layers...>,
                                   chain<0, input_shape>>;
  static constexpr bool valid = input_ok && sizeof...(Layers) > 0 && links::valid;
};

}  // namespace detail

template <class... Entries>
struct sequential {
 private:
  using head = detail::network_head<Entries...>;
  static_assert(sizeof(detail::check_head<Entries...>) > 0);  // its sentence, if the head is wrong

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
  // Where everything of the network lives (core/detail/layout.hpp): offsets, buffers, passes.
  using layout = detail::layout<input_shape, layer_types>;

  static constexpr std::array<std::size_t, layer_count> parameter_counts =
      each([](auto t) { return decltype(t)::type::parameter_count; });
  // Where each layer's parameters start in the model's arena (SIMD-aligned slices).
  static constexpr std::array<std::size_t, layer_count> parameter_offsets = layout::parameter_offsets;
  static constexpr std::size_t parameter_storage = layout::parameter_storage;
  // Trainable parameters: the model's parameter arena, what the optimizer updates.
  static constexpr std::size_t parameter_count = sum(parameter_counts);
  // Non-trainable values Keras counts as parameters (batch_normalization's moving mean and
  // variance), kept as state in the layer objects; and the total Keras' summary prints. For a
  // network without such state, parameter_count is Keras' total.
  static constexpr std::array<std::size_t, layer_count> non_trainable_counts =
      each([](auto t) { return layer_traits<typename decltype(t)::type>::non_trainable_parameter_count; });
  static constexpr std::size_t non_trainable_parameter_count = sum(non_trainable_counts);
  static constexpr std::size_t total_parameter_count = parameter_count + non_trainable_parameter_count;
  // Floats of workspace that inference on one sample needs: fixed, allocated with the model.
  static constexpr std::size_t inference_workspace_size = layout::pass_floats(1, {});

  // A Keras-style summary table: a layer's row counts its trainable parameters and its
  // non-trainable state (batch_normalization's moving statistics), as Keras' does. Columns
  // widen to fit long layer names and shapes.
  static void summary(std::ostream& os = std::cout) {
    const auto rows = summary_rows();
    std::size_t name_width = 29, shape_width = 26;
    for (const auto& r : rows) {
      name_width = std::max(name_width, r[0].size() + 2);
      shape_width = std::max(shape_width, r[1].size() + 2);
    }
    const std::size_t width = name_width + shape_width + 10;
    const std::string rule(width, '_'), thick(width, '=');
    auto line = [&](const std::string& a, const std::string& b, const std::string& c) {
      os << a << std::string(name_width - a.size(), ' ') << b << std::string(shape_width - b.size(), ' ') << c << "\n";
    };
    os << "Model: \"sequential\"\n" << rule << "\n";
    line(" Layer (type)", "Output Shape", "Param #");
    os << thick << "\n";
    for (const auto& r : rows) line(r[0], r[1], r[2]);
    os << thick << "\n";
    os << "Total params: " << grouped(total_parameter_count) << "\nTrainable params: "
       << grouped(parameter_count) << "\nNon-trainable params: " << grouped(non_trainable_parameter_count)
       << "\n" << rule << "\n";
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
  static constexpr bool regularized =
      sum(each([](auto t) { return std::size_t{layer_traits<typename decltype(t)::type>::regularized}; })) > 0;

 private:
  template <class F>
  static void for_each_regularized(const layer_types& layers, F&& f) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (
          [&] {
            using L = std::tuple_element_t<I, layer_types>;
            if constexpr (layer_traits<L>::regularized) f(std::get<I>(layers), parameter_offsets[I]);
          }(),
          ...);
    }(std::make_index_sequence<layer_count>{});
  }

  // Digits in groups of three, as Keras' summary prints counts ("1,234,567"). Built forwards:
  // std::string::insert here trips a GCC 12 -Wstringop-overflow false positive once inlined.
  static std::string grouped(std::size_t v) {
    const std::string digits = std::to_string(v);
    std::string s;
    for (std::size_t i = 0; i < digits.size(); ++i) {
      if (i != 0 && (digits.size() - i) % 3 == 0) s += ',';
      s += digits[i];
    }
    return s;
  }
  // One row per layer, a block's layers indented under it, named as the weight file names them.
  static std::vector<std::array<std::string, 3>> summary_rows() {
    std::vector<std::array<std::string, 3>> rows;
    detail::for_each_named_layer(static_cast<layer_types*>(nullptr), parameter_offsets,
                                 [&](auto* l, const std::string& name, std::size_t, std::size_t depth) {
      using L = std::remove_cvref_t<decltype(*l)>;
      rows.push_back({std::string(1 + 2 * depth, ' ') + name + " (" + std::string(L::kind) + ")",
                      L::output_shape::to_string(),
                      std::to_string(L::parameter_count + layer_traits<L>::non_trainable_parameter_count)});
    });
    return rows;
  }
};

namespace detail {
template <class T> struct is_sequential : std::false_type {};
template <class... E> struct is_sequential<sequential<E...>> : std::true_type {};
}  // namespace detail

}  // namespace ctnn
