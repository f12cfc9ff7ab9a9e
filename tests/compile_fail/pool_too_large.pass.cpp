// Twin of pool_too_large.fail.cpp: the same program without the mistake must compile.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<12, 12, 1>, ctnn::conv2d<4, ctnn::kernel<3, 3>, ctnn::strides<2, 2>>, ctnn::max_pool2d<ctnn::pool<5, 5>>, ctnn::flatten, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
