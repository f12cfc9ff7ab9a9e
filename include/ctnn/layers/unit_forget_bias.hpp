#pragma once
// Keras' unit_forget_bias= of ctnn::lstm: true (the default) starts the forget gate's bias at 1,
// the rest of the bias coming from bias_initializer (Jozefowicz et al., 2015).
#include <type_traits>

namespace ctnn {

template <bool Enabled> struct unit_forget_bias { static constexpr bool value = Enabled; };

namespace detail {
template <class T> struct is_unit_forget_bias : std::false_type {};
template <bool B> struct is_unit_forget_bias<unit_forget_bias<B>> : std::true_type {};
}  // namespace detail

}  // namespace ctnn
