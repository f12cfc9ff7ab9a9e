#pragma once
// ctnn::pool<Height, Width>: the window of a pooling layer (Keras' pool_size), the first
// argument of the pooling layers. pool<2> is pool<2, 2>; the 1D pools read pool<P> as P steps
// and refuse two different sizes.
#include <cstddef>
#include <type_traits>

#include "padding.hpp"
#include "strides.hpp"

namespace ctnn {

template <std::size_t Height, std::size_t Width = Height>
struct pool {
  static constexpr std::size_t height = Height;
  static constexpr std::size_t width = Width;
};

namespace detail {
template <class T> struct is_pool : std::false_type {};
template <std::size_t H, std::size_t W> struct is_pool<pool<H, W>> : std::true_type {};
// The options the pooling layers take after their pool.
template <class T>
struct is_pool2d_option : std::bool_constant<is_strides<T>::value || is_padding<T>::value> {};
}  // namespace detail

}  // namespace ctnn
