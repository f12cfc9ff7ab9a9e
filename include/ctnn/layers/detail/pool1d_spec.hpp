#pragma once
// What the 1D pooling specs (max_pool1d, average_pool1d) share: their options (strides<S>,
// default the pool size; padding::valid or padding::same, default valid) and checks, and their
// bound layer, which *is* the 2D pooling layer Pool2d<pool<P, 1>, strides<S, 1>, padding> over
// the (steps, 1, channels) view of a (steps, channels) sample (window1d.hpp): the same memory,
// the same windows, so one implementation of each pool. Spec is the 1D spec itself, for its kind.
#include <array>
#include <cstddef>
#include <string_view>
#include <type_traits>

#include "../../core/shape.hpp"
#include "../../detail/check_link.hpp"
#include "../../detail/options.hpp"
#include "../padding.hpp"
#include "../pool.hpp"
#include "../strides.hpp"
#include "window1d.hpp"
#include "window2d.hpp"

namespace ctnn::detail {

template <class Spec, template <class, class...> class Pool2d, class Pool, class... Options>
struct pool1d_spec {
  static_assert(is_pool<Pool>::value,
                "ctnn::max_pool1d/average_pool1d<Pool, Options...>: Pool must be ctnn::pool<Size>");

  using ctnn_layer_spec = void;
  static constexpr std::size_t pool_size = window_dims<Pool>::height;
  using strides_type = find_option_t<is_strides, strides<pool_size>, Options...>;
  using padding_type = find_option_t<is_padding, padding::valid, Options...>;
  static constexpr std::size_t stride = strides_type::rows;
  // The 2D pool that does the work.
  using pool2d = Pool2d<pool<pool_size, 1>, strides<stride, 1>, padding_type>;

  struct unknown_option {
    template <std::size_t Position, class Layer, class InputShape>
    struct report {
      static_assert(layer_accepts<Position, Layer, InputShape>,
                    "ctnn::sequential: the layer at Position has an option it does not take (1D pooling takes strides<S> and ctnn::padding::valid or ctnn::padding::same)");
    };
  };

  template <class In>
  static constexpr auto validate() {
    if constexpr (!(is_pool2d_option<Options>::value && ...)) return unknown_option{};
    else if constexpr (count_options<is_strides, Options...> > 1 || count_options<is_padding, Options...> > 1)
      return option_twice{};
    else if constexpr (In::rank != 2) return needs_rank_2{};
    else if constexpr (window_dims<Pool>::width != pool_size || strides_type::columns != stride)
      return needs_one_size{};
    else return pool2d::template validate<steps_as_2d<In>>();
  }

  template <class In>
  class layer : public pool2d::template layer<steps_as_2d<In>> {
    using base = typename pool2d::template layer<steps_as_2d<In>>;

   public:
    using input_shape = In;
    using output_shape = shape<base::output_shape::dims[0], In::dims[1]>;
    static constexpr std::string_view kind = Spec::kind;
    template <class D>
    static constexpr void describe(D& d) {
      describe_window(d, std::array{pool_size}, std::array{stride}, pool2d::padding_mode);
    }
  };
};

}  // namespace ctnn::detail
