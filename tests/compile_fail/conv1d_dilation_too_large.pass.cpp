// Twin of conv1d_dilation_too_large.fail.cpp: the same program without the mistake must compile.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<9, 2>, ctnn::conv1d<4, ctnn::kernel<3>, ctnn::dilation_rate<4>>, ctnn::flatten, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
