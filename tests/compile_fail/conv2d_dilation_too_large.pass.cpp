// Twin of conv2d_dilation_too_large.fail.cpp: the same program without the mistake must compile.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<8, 12, 1>, ctnn::conv2d<4, ctnn::kernel<3>, ctnn::dilation_rate<3, 5>>, ctnn::flatten, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
