#pragma once
// ctnn::strides<Rows, Columns>: how far a convolution or pooling window moves between outputs
// (Keras' strides), an option of ctnn::conv2d, ctnn::conv1d and the pooling layers. strides<2>
// is strides<2, 2>; the 1D layers read strides<S> as S steps and refuse two different sizes.
// Defaults: 1 for the convolutions, the pool size for pooling, as in Keras.
#include <cstddef>
#include <type_traits>

namespace ctnn {

template <std::size_t Rows, std::size_t Columns = Rows>
struct strides {
  static constexpr std::size_t rows = Rows;
  static constexpr std::size_t columns = Columns;
};

namespace detail {
template <class T> struct is_strides : std::false_type {};
template <std::size_t R, std::size_t C> struct is_strides<strides<R, C>> : std::true_type {};
}  // namespace detail

}  // namespace ctnn
