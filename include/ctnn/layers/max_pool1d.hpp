#pragma once
// ctnn::max_pool1d<pool<P>, Options...>: Keras' MaxPooling1D over channels-last sequences
// (steps, channels): the largest value of each window of P steps, per channel. Options, in any
// order: strides<S> (default: the pool size) and padding::valid or padding::same (default valid;
// padded positions never win, as in Keras). max_pool1d<> is max_pool1d<pool<2>>. Its bound
// layer is max_pool2d's over a window of P x 1 (layers/detail/pool1d_spec.hpp), gradient and
// ties included: the gradient goes to the first maximum of a window.
#include <string_view>

#include "detail/pool1d_spec.hpp"
#include "max_pool2d.hpp"
#include "pool.hpp"

namespace ctnn {

template <class Pool = pool<2>, class... Options>
struct max_pool1d : detail::pool1d_spec<max_pool1d<Pool, Options...>, max_pool2d, Pool, Options...> {
  static constexpr std::string_view kind = "max_pooling1d";
};

}  // namespace ctnn
