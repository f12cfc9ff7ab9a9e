#pragma once
// What the 2D pooling specs (max_pool2d, average_pool2d) share: their options (strides<Sh, Sw>,
// default the pool size; padding::valid or padding::same, default valid), the checks of those
// options, the window's link check and its geometry for an input shape.
#include <array>
#include <cstddef>
#include <type_traits>

#include "../padding.hpp"
#include "../pool.hpp"
#include "../strides.hpp"
#include "../../detail/check_link.hpp"
#include "../../detail/options.hpp"
#include "window2d.hpp"

namespace ctnn::detail {

template <class Pool, class... Options>
struct pool2d_spec {
  static_assert(is_pool<Pool>::value,
                "ctnn::max_pool2d/average_pool2d<Pool, Options...>: Pool must be ctnn::pool<Height, Width>");

  using ctnn_layer_spec = void;
  static constexpr std::size_t pool_height = window_dims<Pool>::height;
  static constexpr std::size_t pool_width = window_dims<Pool>::width;
  using strides_type = find_option_t<is_strides, strides<pool_height, pool_width>, Options...>;
  using padding_type = find_option_t<is_padding, padding::valid, Options...>;
  static constexpr window_padding padding_mode = window_padding_of<padding_type>;
  static constexpr bool same_padding = padding_mode == window_padding::same;

  struct unknown_option {
    template <std::size_t Position, class Layer, class InputShape>
    struct report {
      static_assert(layer_accepts<Position, Layer, InputShape>,
                    "ctnn::sequential: the layer at Position has an option it does not take (pooling takes strides<Sh, Sw> and ctnn::padding::valid or ctnn::padding::same)");
    };
  };

  template <class In>
  static constexpr auto validate() {
    if constexpr (!(is_pool2d_option<Options>::value && ...)) return unknown_option{};
    else if constexpr (count_options<is_strides, Options...> > 1 || count_options<is_padding, Options...> > 1)
      return option_twice{};
    else if constexpr (padding_mode == window_padding::causal) return causal_padding_refused{};
    else
      return validate_window<In, pool_height, pool_width, strides_type::rows, strides_type::columns,
                             padding_mode>();
  }

  // The window, for the network description (layer_traits<L>::describe of the bound layers).
  template <class D>
  static constexpr void describe(D& d) {
    describe_window(d, std::array{pool_height, pool_width}, std::array{strides_type::rows, strides_type::columns},
                    padding_mode);
  }

  // Where each window of an In-shaped input lies, and the output's size.
  template <class In>
  using geometry =
      window2d<In, pool_height, pool_width, strides_type::rows, strides_type::columns, padding_mode>;
};

}  // namespace ctnn::detail
