// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position has both a stride and a dilation_rate above 1
// Twin: conv1d_dilation_with_stride.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<16, 2>, ctnn::conv1d<4, ctnn::kernel<3>, ctnn::strides<2>, ctnn::dilation_rate<2>>, ctnn::flatten, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
