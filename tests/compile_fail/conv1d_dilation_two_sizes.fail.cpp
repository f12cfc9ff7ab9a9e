// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position is one-dimensional, so its kernel, pool, strides and dilation_rate take one size each
// Twin: conv1d_dilation_two_sizes.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<16, 2>, ctnn::conv1d<4, ctnn::kernel<3>, ctnn::dilation_rate<2, 3>>, ctnn::flatten, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
