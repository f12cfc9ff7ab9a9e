// Twin of conv2d_kernel_too_large.fail.cpp: the same program without the mistake must compile.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<5, 5, 1>, ctnn::conv2d<4, ctnn::kernel<5, 3>>, ctnn::flatten, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
