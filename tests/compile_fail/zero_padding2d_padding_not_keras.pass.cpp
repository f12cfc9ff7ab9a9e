// Twin of zero_padding2d_padding_not_keras.fail.cpp: the same network without the mistake compiles.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<8, 8, 1>, ctnn::zero_padding2d<1, 2, 3, 4>, ctnn::conv2d<4, ctnn::kernel<3>>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
