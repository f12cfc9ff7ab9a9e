#pragma once
// ctnn::average_pool1d<pool<P>, Options...>: Keras' AveragePooling1D over channels-last
// sequences (steps, channels): the mean of each window of P steps, per channel. Options, in any
// order: strides<S> (default: the pool size) and padding::valid or padding::same (default valid).
// With padding::same a window that overhangs the border averages only the steps inside it
// (padding is not counted), as Keras. average_pool1d<> is average_pool1d<pool<2>>. Its bound
// layer is average_pool2d's over a window of P x 1 (layers/detail/pool1d_spec.hpp).
#include <string_view>

#include "average_pool2d.hpp"
#include "detail/pool1d_spec.hpp"
#include "pool.hpp"

namespace ctnn {

template <class Pool = pool<2>, class... Options>
struct average_pool1d : detail::pool1d_spec<average_pool1d<Pool, Options...>, average_pool2d, Pool, Options...> {
  static constexpr std::string_view kind = "average_pooling1d";
};

}  // namespace ctnn
