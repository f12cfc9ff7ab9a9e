// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position has a dilation_rate of 0
// Twin: conv1d_zero_dilation.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<8, 2>, ctnn::conv1d<4, ctnn::kernel<3>, ctnn::dilation_rate<0>>, ctnn::flatten, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
