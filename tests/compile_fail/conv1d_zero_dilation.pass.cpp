// Twin of conv1d_zero_dilation.fail.cpp: the same program without the mistake must compile.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<8, 2>, ctnn::conv1d<4, ctnn::kernel<3>, ctnn::dilation_rate<1>>, ctnn::flatten, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
