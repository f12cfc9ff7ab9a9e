// Twin of conv1d_dilation_two_sizes.fail.cpp: the same program without the mistake must compile.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<16, 2>, ctnn::conv1d<4, ctnn::kernel<3>, ctnn::dilation_rate<2, 2>>, ctnn::flatten, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
