#pragma once
// ctnn::dilation_rate<Rows, Columns>: the spacing of a convolution's taps (Keras' dilation_rate),
// an option of ctnn::conv1d, ctnn::conv2d, ctnn::depthwise_conv2d and ctnn::separable_conv2d: tap
// (ky, kx) of the window at output (oy, ox) reads input (oy sh + ky Rows, ox sw + kx Columns)
// (before padding), so a kernel of K taps spans Rate (K - 1) + 1 positions along its axis. Default
// 1. dilation_rate<2> is dilation_rate<2, 2>, as Keras' dilation_rate=2; conv1d reads
// dilation_rate<D> as D steps and refuses two different sizes. As in Keras, a rate above 1 (on
// any axis) goes with strides of 1 only.
#include <cstddef>
#include <type_traits>

namespace ctnn {

template <std::size_t Rows, std::size_t Columns = Rows>
struct dilation_rate {
  static constexpr std::size_t rows = Rows;
  static constexpr std::size_t columns = Columns;
  static constexpr std::size_t rate = Rows;  // the 1D layers' one size
};

namespace detail {
template <class T> struct is_dilation_rate : std::false_type {};
template <std::size_t R, std::size_t C> struct is_dilation_rate<dilation_rate<R, C>> : std::true_type {};
}  // namespace detail

}  // namespace ctnn
