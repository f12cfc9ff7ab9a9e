// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position has a kernel or pool window larger than its input
// Twin: conv2d_kernel_too_large.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<5, 5, 1>, ctnn::conv2d<4, ctnn::kernel<7, 3>>, ctnn::flatten, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
