// Twin of zero_padding2d_needs_rank_3.fail.cpp: the same network without the mistake compiles.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<28, 28, 1>, ctnn::zero_padding2d<>, ctnn::conv2d<4, ctnn::kernel<3>>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
