#pragma once
// ctnn::residual<Body...>: y = x + body(x), Keras' Add()([x, f(x)]) around a chain of layers
// (a ResNet block). When the body changes the shape, the last entry ctnn::shortcut<Layers...>
// projects the input: y = shortcut(x) + body(x). It is a ctnn::branches<ctnn::add, ...> whose
// second path is the shortcut, or nothing (the input itself).
#include <cstddef>
#include <string_view>
#include <type_traits>

#include "../detail/check_link.hpp"
#include "../merges/add.hpp"
#include "../merges/merge.hpp"
#include "branches.hpp"
#include "detail/block_layer.hpp"
#include "shortcut.hpp"

namespace ctnn {

namespace detail {

// The body (every entry but a final shortcut<...>) and the shortcut's layers (none without one).
template <class Body, class... Entries>
struct split_shortcut;
template <class... Body>
struct split_shortcut<type_list<Body...>> {
  using body = type_list<Body...>;
  using projection = type_list<>;
};
template <class... Body, class... S>
struct split_shortcut<type_list<Body...>, shortcut<S...>> {
  using body = type_list<Body...>;
  using projection = type_list<S...>;
};
template <class... Body, class E, class... Rest>
struct split_shortcut<type_list<Body...>, E, Rest...> : split_shortcut<type_list<Body..., E>, Rest...> {};

template <std::size_t Position, class Block, class InputShape, class BodyShape, class ShortcutShape>
inline constexpr bool residual_accepts = false;

}  // namespace detail

template <class... Entries>
struct residual {
  using ctnn_layer_spec = void;
  static constexpr std::string_view kind = "residual";

 private:
  using parts = detail::split_shortcut<detail::type_list<>, Entries...>;
  template <class In> using body = detail::bound_path<In, typename parts::body>;
  template <class In> using projection = detail::bound_path<In, typename parts::projection>;

 public:
  struct empty_body {
    template <std::size_t Position, class Layer, class InputShape>
    struct report {
      static_assert(detail::layer_accepts<Position, Layer, InputShape>,
                    "ctnn::residual: the block at Position has no layers in its body; a residual block is ctnn::residual<Layers..., [ctnn::shortcut<Layers...>]> with at least one layer");
    };
  };
  template <class BodyShape, class ShortcutShape>
  struct shapes_differ {
    template <std::size_t Position, class Layer, class InputShape>
    struct report {
      static_assert(detail::residual_accepts<Position, Layer, InputShape, BodyShape, ShortcutShape>,
                    "ctnn::residual: the block at Position adds its body's output (BodyShape) to its input or shortcut's output (ShortcutShape), which has another shape; end the block with ctnn::shortcut<Layers...> projecting the input to the body's shape");
    };
  };

  template <class In>
  static constexpr auto validate() {
    if constexpr (detail::list_length<typename parts::body> == 0) return empty_body{};
    else if constexpr (!body<In>::valid || !projection<In>::valid) return detail::path_failed{};
    else if constexpr (!std::is_same_v<typename body<In>::output_shape, typename projection<In>::output_shape>)
      return shapes_differ<typename body<In>::output_shape, typename projection<In>::output_shape>{};
    else return detail::link_ok{};
  }

  template <class In>
  using layer = detail::block_layer<residual, add, In, body<In>, projection<In>>;
};

}  // namespace ctnn
