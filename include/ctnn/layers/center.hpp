#pragma once
// ctnn::center<bool>: Keras' center= of ctnn::batch_normalization and ctnn::layer_normalization,
// whether the layer learns the shift beta (default true). Without it the layer behaves as if beta
// were 0.
#include <type_traits>

namespace ctnn {

template <bool Enabled> struct center { static constexpr bool value = Enabled; };

namespace detail {
template <class T> struct is_center : std::false_type {};
template <bool B> struct is_center<center<B>> : std::true_type {};
}  // namespace detail

}  // namespace ctnn
