// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position .zero_padding2d or up_sampling2d. needs a rank-3 input
// Twin: zero_padding2d_needs_rank_3.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<784>, ctnn::zero_padding2d<>, ctnn::conv2d<4, ctnn::kernel<3>>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
