// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position has a depth_multiplier of 0
// Twin: depthwise_zero_depth_multiplier.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<8, 8, 2>, ctnn::depthwise_conv2d<ctnn::kernel<3>, ctnn::depth_multiplier<0>>, ctnn::flatten, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
