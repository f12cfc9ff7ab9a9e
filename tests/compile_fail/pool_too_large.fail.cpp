// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position has a kernel or pool window larger than its input
// Twin: pool_too_large.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<12, 12, 1>, ctnn::conv2d<4, ctnn::kernel<3, 3>, ctnn::strides<2, 2>>, ctnn::max_pool2d<ctnn::pool<6, 6>>, ctnn::flatten, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
