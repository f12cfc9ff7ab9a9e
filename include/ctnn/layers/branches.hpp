#pragma once
// ctnn::branches<Merge, ctnn::path<...>, ctnn::path<...>, ...>: parallel paths over the same
// input, their outputs combined by a merge (ctnn::add, subtract, multiply, average, maximum,
// minimum, concatenate<Axis>: merges/), as Keras' functional API writes
//   y = layers.Add()([f(x), g(x)]).
// A block is a layer: it nests, counts its parameters, saves, loads and trains (the paths'
// gradients summed into dL/dx). Each path is checked like a network, its layers' positions
// counted from 0 within the path; then the merge checks the paths' output shapes.
#include <cstddef>
#include <string_view>
#include <type_traits>

#include "../detail/check_link.hpp"
#include "../merges/merge.hpp"
#include "detail/block_layer.hpp"
#include "path.hpp"

namespace ctnn {

namespace detail {

template <class P> struct path_specs { using type = void; };
template <class... S> struct path_specs<path<S...>> { using type = type_list<S...>; };
template <class P> inline constexpr bool is_path = !std::is_void_v<typename path_specs<P>::type>;
template <class List> inline constexpr std::size_t list_length = 0;
template <class... T> inline constexpr std::size_t list_length<type_list<T...>> = sizeof...(T);

// A path whose own chain failed to link: its sentence was given where the chain was checked, so
// the block adds none (one mistake, one error).
struct path_failed {
  template <std::size_t Position, class Layer, class InputShape>
  struct report {};
};

}  // namespace detail

template <class Merge, class... Paths>
struct branches {
  using ctnn_layer_spec = void;
  static constexpr std::string_view kind = "branches";

  struct not_a_merge {
    template <std::size_t Position, class Layer, class InputShape>
    struct report {
      static_assert(detail::layer_accepts<Position, Layer, InputShape>,
                    "ctnn::branches: the block at Position starts with something that is not a merge; the first argument is ctnn::add, subtract, multiply, average, maximum, minimum or concatenate<Axis>");
    };
  };
  struct not_a_path {
    template <std::size_t Position, class Layer, class InputShape>
    struct report {
      static_assert(detail::layer_accepts<Position, Layer, InputShape>,
                    "ctnn::branches: the block at Position has an argument after its merge that is not a ctnn::path<Layers...>");
    };
  };
  struct empty_path {
    template <std::size_t Position, class Layer, class InputShape>
    struct report {
      static_assert(detail::layer_accepts<Position, Layer, InputShape>,
                    "ctnn::branches: the block at Position has an empty ctnn::path<>; every path needs at least one layer (ctnn::residual adds its input itself)");
    };
  };

  template <class In>
  static constexpr auto validate() {
    if constexpr (!merge<Merge>) return not_a_merge{};
    else if constexpr (!(detail::is_path<Paths> && ...)) return not_a_path{};
    else if constexpr (!((detail::list_length<typename detail::path_specs<Paths>::type> > 0) && ...)) return empty_path{};
    else if constexpr (!(detail::bound_path<In, typename detail::path_specs<Paths>::type>::valid && ...))
      return detail::path_failed{};
    else
      return Merge::template validate<typename detail::bound_path<In, typename detail::path_specs<Paths>::type>::output_shape...>();
  }

  template <class In>
  using layer = detail::block_layer<branches, Merge, In, detail::bound_path<In, typename detail::path_specs<Paths>::type>...>;
};

}  // namespace ctnn
