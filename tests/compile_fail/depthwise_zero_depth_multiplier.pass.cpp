// Twin of depthwise_zero_depth_multiplier.fail.cpp: the same program without the mistake must compile.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<8, 8, 2>, ctnn::depthwise_conv2d<ctnn::kernel<3>, ctnn::depth_multiplier<1>>, ctnn::flatten, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
