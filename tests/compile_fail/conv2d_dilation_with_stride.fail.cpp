// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position has both a stride and a dilation_rate above 1
// Twin: conv2d_dilation_with_stride.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<16, 16, 1>, ctnn::conv2d<4, ctnn::kernel<3>, ctnn::strides<1, 2>, ctnn::dilation_rate<2, 1>>, ctnn::flatten, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
