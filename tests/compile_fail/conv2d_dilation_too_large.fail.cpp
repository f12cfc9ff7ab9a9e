// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position has a dilation that does not fit
// Twin: conv2d_dilation_too_large.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<8, 12, 1>, ctnn::conv2d<4, ctnn::kernel<3>, ctnn::dilation_rate<4, 5>>, ctnn::flatten, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
