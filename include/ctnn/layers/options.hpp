#pragma once
// Options shared by layers with weights, spelled as Keras' keyword arguments.
#include "../initializers/initializer.hpp"
#include "../regularizers/regularizer.hpp"

namespace ctnn {

template <initializer I> struct kernel_initializer { using type = I; };
template <initializer I> struct bias_initializer { using type = I; };
template <bool Enabled> struct use_bias { static constexpr bool value = Enabled; };
// Keras' kernel_regularizer= / bias_regularizer=: the factor is a run-time member of the bound
// layer (model.layer<I>().kernel_regularizer.l2 = 1e-4f), Keras' 0.01 by default.
template <regularizer R> struct kernel_regularizer { using type = R; };
template <regularizer R> struct bias_regularizer { using type = R; };

namespace detail {
template <class T> struct is_kernel_initializer : std::false_type {};
template <class I> struct is_kernel_initializer<kernel_initializer<I>> : std::true_type {};
template <class T> struct is_bias_initializer : std::false_type {};
template <class I> struct is_bias_initializer<bias_initializer<I>> : std::true_type {};
template <class T> struct is_use_bias : std::false_type {};
template <bool B> struct is_use_bias<use_bias<B>> : std::true_type {};
template <class T> struct is_kernel_regularizer : std::false_type {};
template <class R> struct is_kernel_regularizer<kernel_regularizer<R>> : std::true_type {};
template <class T> struct is_bias_regularizer : std::false_type {};
template <class R> struct is_bias_regularizer<bias_regularizer<R>> : std::true_type {};
}  // namespace detail

}  // namespace ctnn
