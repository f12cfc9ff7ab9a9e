#pragma once
// ctnn::kernel<Height, Width>: the window of a convolution (Keras' kernel_size), the second
// argument of ctnn::conv2d and ctnn::conv1d. kernel<3> is kernel<3, 3>, as Keras' kernel_size=3;
// conv1d reads kernel<K> as K taps and refuses two different sizes.
#include <cstddef>
#include <type_traits>

namespace ctnn {

template <std::size_t Height, std::size_t Width = Height>
struct kernel {
  static constexpr std::size_t height = Height;
  static constexpr std::size_t width = Width;
};

namespace detail {
template <class T> struct is_kernel : std::false_type {};
template <std::size_t H, std::size_t W> struct is_kernel<kernel<H, W>> : std::true_type {};
}  // namespace detail

}  // namespace ctnn
