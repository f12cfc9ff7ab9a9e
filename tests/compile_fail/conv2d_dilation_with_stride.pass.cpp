// Twin of conv2d_dilation_with_stride.fail.cpp: the same program without the mistake must compile.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<16, 16, 1>, ctnn::conv2d<4, ctnn::kernel<3>, ctnn::strides<1, 1>, ctnn::dilation_rate<2, 1>>, ctnn::flatten, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
