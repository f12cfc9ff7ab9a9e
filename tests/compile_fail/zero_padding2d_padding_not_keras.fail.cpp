// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position .zero_padding2d. has a padding of 3 or more than 4 values
// Twin: zero_padding2d_padding_not_keras.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<8, 8, 1>, ctnn::zero_padding2d<1, 2, 3>, ctnn::conv2d<4, ctnn::kernel<3>>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
