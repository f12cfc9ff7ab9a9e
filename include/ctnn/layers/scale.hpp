#pragma once
// ctnn::scale<bool>: Keras' scale= of ctnn::batch_normalization and ctnn::layer_normalization,
// whether the layer learns the factor gamma (default true). Without it the layer behaves as if
// gamma were 1.
#include <type_traits>

namespace ctnn {

template <bool Enabled> struct scale { static constexpr bool value = Enabled; };

namespace detail {
template <class T> struct is_scale : std::false_type {};
template <bool B> struct is_scale<scale<B>> : std::true_type {};
}  // namespace detail

}  // namespace ctnn
