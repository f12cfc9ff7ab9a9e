#pragma once
// ctnn::dilation_rate<Rate>: the spacing of a convolution's taps (Keras' dilation_rate), an
// option of ctnn::conv1d: tap k of the window at output step t reads input step t s + k Rate
// (before padding), so a kernel of K taps spans Rate (K - 1) + 1 steps. Default 1. As in Keras,
// a rate above 1 goes with stride 1 only.
#include <cstddef>
#include <type_traits>

namespace ctnn {

template <std::size_t Rate>
struct dilation_rate {
  static constexpr std::size_t rate = Rate;
};

namespace detail {
template <class T> struct is_dilation_rate : std::false_type {};
template <std::size_t R> struct is_dilation_rate<dilation_rate<R>> : std::true_type {};
}  // namespace detail

}  // namespace ctnn
