#pragma once
// ctnn::padding: how a convolution or pooling window treats the input's border (Keras'
// padding=), an option of ctnn::conv1d, ctnn::conv2d and the pooling layers. With a dilation
// rate d (conv1d), a window of k taps spans d (k - 1) + 1 input steps, its *effective size* e.
//   padding::valid   no padding: every window lies inside the input; out = (in - e) / s + 1.
//   padding::same    out = ceil(in / s); the input is padded by max((out - 1) s + e - in, 0),
//                    half of it (rounded down) before, the rest after, as Keras/TensorFlow do.
//   padding::causal  conv1d only (Keras allows it for 1D convolutions alone): d (k - 1) zeros
//                    before the input, none after, then valid; out = (in - 1) / s + 1, and
//                    output step t sees input steps t s and before only.
// Padded positions count as zeros for convolution; pooling ignores them (max over, and
// average over, the real values only, as Keras).
#include <type_traits>

namespace ctnn {

namespace padding {
struct valid {};
struct same {};
struct causal {};
}  // namespace padding

namespace detail {
template <class T> struct is_padding : std::false_type {};
template <> struct is_padding<padding::valid> : std::true_type {};
template <> struct is_padding<padding::same> : std::true_type {};
template <> struct is_padding<padding::causal> : std::true_type {};

// The padding option as a value, for the window geometry (layers/detail/window2d.hpp).
enum class window_padding { valid, same, causal };
template <class P>
inline constexpr window_padding window_padding_of =
    std::is_same_v<P, padding::same> ? window_padding::same
    : std::is_same_v<P, padding::causal> ? window_padding::causal
                                         : window_padding::valid;
}  // namespace detail

}  // namespace ctnn
