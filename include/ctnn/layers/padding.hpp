#pragma once
// ctnn::padding: how a convolution or pooling window treats the input's border (Keras'
// padding=), an option of ctnn::conv2d and the pooling layers.
//   padding::valid  no padding: every window lies inside the input; out = (in - k) / s + 1.
//   padding::same   out = ceil(in / s); the input is padded by max((out - 1) s + k - in, 0),
//                   half of it (rounded down) before, the rest after, as Keras/TensorFlow do.
// Padded positions count as zeros for convolution; pooling ignores them (max over, and
// average over, the real values only, as Keras).
#include <type_traits>

namespace ctnn {

namespace padding {
struct valid {};
struct same {};
}  // namespace padding

namespace detail {
template <class T> struct is_padding : std::false_type {};
template <> struct is_padding<padding::valid> : std::true_type {};
template <> struct is_padding<padding::same> : std::true_type {};
}  // namespace detail

}  // namespace ctnn
