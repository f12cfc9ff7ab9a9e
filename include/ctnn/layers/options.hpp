#pragma once
// Options shared by layers with weights, spelled as Keras' keyword arguments.
#include "../initializers/initializer.hpp"

namespace ctnn {

template <initializer I> struct kernel_initializer { using type = I; };
template <initializer I> struct bias_initializer { using type = I; };
template <bool Enabled> struct use_bias { static constexpr bool value = Enabled; };

namespace detail {
template <class T> struct is_kernel_initializer : std::false_type {};
template <class I> struct is_kernel_initializer<kernel_initializer<I>> : std::true_type {};
template <class T> struct is_bias_initializer : std::false_type {};
template <class I> struct is_bias_initializer<bias_initializer<I>> : std::true_type {};
template <class T> struct is_use_bias : std::false_type {};
template <bool B> struct is_use_bias<use_bias<B>> : std::true_type {};
}  // namespace detail

}  // namespace ctnn
