#pragma once
// The merge concept: how ctnn::branches combines the outputs of its paths (Keras' merge layers:
// Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate). A merge is a policy with
//   kind                                       Keras' layer name ("add")
//   validate<PathShapes...>()                  detail::link_ok, or an error tag (detail/check_link.hpp)
//   output_shape<PathShapes...>                the merged shape (for shapes validate accepts)
//   forward<PathShapes...>(n, in, y)           y from the paths' outputs in[k], n samples each
//   backward<PathShapes...>(n, in, y, dy, din) dL/d(each path's output) from dL/dy
// with in and din std::arrays of one pointer per path. The element-wise merges share
// detail::elementwise_merge below: each states only its value and its partial derivatives.
#include <array>
#include <concepts>
#include <cstdint>
#include <cstddef>
#include <string_view>
#include <tuple>
#include <type_traits>

#include "../core/shape.hpp"
#include "../detail/check_link.hpp"

namespace ctnn {

namespace detail {

// False for every argument once instantiated: the condition of a merge's error, so the compiler
// prints the block's position, the block and the paths' output shapes with the sentence.
template <std::size_t Position, class Block, class InputShape, class... PathShapes>
inline constexpr bool merge_accepts = false;

template <class... Shapes> struct merge_shapes_differ {
  template <std::size_t Position, class Layer, class InputShape>
  struct report {
    static_assert(merge_accepts<Position, Layer, InputShape, Shapes...>,
                  "ctnn::branches: the block at Position merges paths whose outputs (PathShapes) differ; an element-wise merge (add, subtract, multiply, average, maximum, minimum) needs every path to give the same shape");
  };
};

template <class... Shapes> struct merge_path_count {
  template <std::size_t Position, class Layer, class InputShape>
  struct report {
    static_assert(merge_accepts<Position, Layer, InputShape, Shapes...>,
                  "ctnn::branches: the block at Position gives its merge a number of paths it does not take (subtract takes exactly 2, the other merges at least 2)");
  };
};

template <class First, class... Rest>
inline constexpr bool same_shapes = (std::is_same_v<First, Rest> && ...);

// An element-wise merge of MinPaths..MaxPaths paths: Derived::value(in, i) is y[i] from value i of
// every path, Derived::partial(in, y, k, i) is dy[i]/d in[k][i].
template <class Derived, std::size_t MinPaths, std::size_t MaxPaths>
struct elementwise_merge {
  template <class... Shapes>
  static constexpr auto validate() {
    if constexpr (sizeof...(Shapes) < MinPaths || sizeof...(Shapes) > MaxPaths) return merge_path_count<Shapes...>{};
    else if constexpr (!same_shapes<Shapes...>) return merge_shapes_differ<Shapes...>{};
    else return link_ok{};
  }
  template <class... Shapes>
  using output_shape = std::tuple_element_t<0, std::tuple<Shapes...>>;

  template <class... Shapes, class T, std::size_t P>
  static void forward(std::size_t n, const std::array<const T*, P>& in, T* y) {
    const std::size_t count = n * output_shape<Shapes...>::size;
    for (std::size_t i = 0; i < count; ++i) y[i] = Derived::value(in, i);
  }
  template <class... Shapes, class T, std::size_t P>
  static void backward(std::size_t n, const std::array<const T*, P>& in, const T* y, const T* dy,
                       const std::array<T*, P>& din) {
    const std::size_t count = n * output_shape<Shapes...>::size;
    for (std::size_t k = 0; k < P; ++k)
      for (std::size_t i = 0; i < count; ++i) din[k][i] = dy[i] * Derived::partial(in, y, k, i);
  }
};

// Maximum and minimum: the value Better prefers (NaN propagates, as tf.maximum and tf.minimum),
// and dL/dy to the first path holding it, as TensorFlow's gradient of a chain of tf.maximum
// (Keras' Maximum) gives ties to the earlier input.
template <class Derived, class Better>
struct extreme_merge : elementwise_merge<Derived, 2, SIZE_MAX> {
  template <class T, std::size_t P>
  static T value(const std::array<const T*, P>& in, std::size_t i) {
    T s = in[0][i];
    for (std::size_t k = 1; k < P; ++k) s = Better{}(in[k][i], s) || in[k][i] != in[k][i] ? in[k][i] : s;
    return s;
  }
  template <class T, std::size_t P>
  static T partial(const std::array<const T*, P>& in, const T* y, std::size_t k, std::size_t i) {
    for (std::size_t j = 0; j < k; ++j)
      if (in[j][i] == y[i]) return T(0);
    return in[k][i] == y[i] ? T(1) : T(0);
  }
};

}  // namespace detail

// A merge policy (see above), marked by ctnn_merge.
template <class M>
concept merge = requires {
  typename M::ctnn_merge;
  { M::kind } -> std::convertible_to<std::string_view>;
};

}  // namespace ctnn
