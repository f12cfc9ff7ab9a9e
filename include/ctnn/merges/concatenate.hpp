#pragma once
// ctnn::concatenate<Axis>: Keras' Concatenate(axis=Axis), default -1 (the last axis, channels in
// an image): the paths' outputs side by side along Axis of the sample shape (negative counts
// from the end); every other dimension must agree. Backward hands each path its slice of dL/dy.
#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>
#include <type_traits>

#include "../core/shape.hpp"
#include "merge.hpp"

namespace ctnn {

namespace detail {

template <class... Shapes> struct concatenate_axis_missing {
  template <std::size_t Position, class Layer, class InputShape>
  struct report {
    static_assert(merge_accepts<Position, Layer, InputShape, Shapes...>,
                  "ctnn::branches: the block at Position concatenates along an axis its paths' outputs (PathShapes) do not have; Axis counts from 0 (or from -1 at the last axis) within the shape of one sample");
  };
};
template <class... Shapes> struct concatenate_shapes_differ {
  template <std::size_t Position, class Layer, class InputShape>
  struct report {
    static_assert(merge_accepts<Position, Layer, InputShape, Shapes...>,
                  "ctnn::branches: the block at Position concatenates paths whose outputs (PathShapes) differ in rank or in a dimension other than the concatenation axis");
  };
};

// S with dimension Axis replaced by D.
template <class S, std::size_t Axis, std::size_t D, std::size_t... I>
shape<(I == Axis ? D : S::dims[I])...> with_axis(std::index_sequence<I...>);

}  // namespace detail

template <int Axis = -1>
struct concatenate {
  using ctnn_merge = void;
  static constexpr std::string_view kind = "concatenate";

 private:
  template <class S>
  static constexpr long axis_of = Axis < 0 ? static_cast<long>(S::rank) + Axis : Axis;
  template <class S>
  static constexpr bool has_axis = axis_of<S> >= 0 && axis_of<S> < static_cast<long>(S::rank);
  template <class S, class O>
  static constexpr bool agree_off_axis = [] {
    if constexpr (S::rank != O::rank) return false;
    else {
      for (std::size_t d = 0; d < S::rank; ++d)
        if (static_cast<long>(d) != axis_of<S> && S::dims[d] != O::dims[d]) return false;
      return true;
    }
  }();
  template <class First, class... Rest>
  static constexpr bool same_rank = ((Rest::rank == First::rank) && ...);
  template <class First, class... Rest>
  struct merged {
    static constexpr std::size_t axis = static_cast<std::size_t>(axis_of<First>);
    using type = decltype(detail::with_axis<First, axis, (First::dims[axis] + ... + Rest::dims[axis])>(
        std::make_index_sequence<First::rank>{}));
    // Values of one sample before the axis (outer) and in one step along it and after (a path's chunk).
    static constexpr std::size_t outer = [] {
      std::size_t o = 1;
      for (std::size_t d = 0; d < axis; ++d) o *= First::dims[d];
      return o;
    }();
    static constexpr std::array<std::size_t, 1 + sizeof...(Rest)> chunks{First::size / outer, Rest::size / outer...};
  };

 public:
  template <class... Shapes>
  static constexpr auto validate() {
    if constexpr (sizeof...(Shapes) < 2) return detail::merge_path_count<Shapes...>{};
    else if constexpr (!(has_axis<Shapes> && ...)) return detail::concatenate_axis_missing<Shapes...>{};
    else if constexpr (!same_rank<Shapes...>) return detail::concatenate_shapes_differ<Shapes...>{};
    else if constexpr (!(agree_off_axis<Shapes, typename merged<Shapes...>::type> && ...))
      return detail::concatenate_shapes_differ<Shapes...>{};
    else return detail::link_ok{};
  }
  template <class... Shapes>
  using output_shape = typename merged<Shapes...>::type;

  template <class... Shapes, class T, std::size_t P>
  static void forward(std::size_t n, const std::array<const T*, P>& in, T* y) {
    using m = merged<Shapes...>;
    for (std::size_t r = 0; r < n * m::outer; ++r)
      for (std::size_t k = 0; k < P; ++k) y = std::copy_n(in[k] + r * m::chunks[k], m::chunks[k], y);
  }
  template <class... Shapes, class T, std::size_t P>
  static void backward(std::size_t n, const std::array<const T*, P>&, const T*, const T* dy, const std::array<T*, P>& din) {
    using m = merged<Shapes...>;
    for (std::size_t r = 0; r < n * m::outer; ++r)
      for (std::size_t k = 0; k < P; ++k) {
        std::copy_n(dy, m::chunks[k], din[k] + r * m::chunks[k]);
        dy += m::chunks[k];
      }
  }
};

}  // namespace ctnn
