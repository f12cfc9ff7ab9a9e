#pragma once
// ctnn::alpha_initializer<I>: Keras' alpha_initializer= of ctnn::prelu, how its trainable slopes
// start (default ctnn::init::zeros, Keras' "Zeros": the layer starts as a relu).
#include <type_traits>

#include "../initializers/initializer.hpp"

namespace ctnn {

template <initializer I> struct alpha_initializer { using type = I; };

namespace detail {
template <class T> struct is_alpha_initializer : std::false_type {};
template <class I> struct is_alpha_initializer<alpha_initializer<I>> : std::true_type {};
}  // namespace detail

}  // namespace ctnn
