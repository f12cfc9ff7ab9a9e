// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position needs a ctnn::kernel<Height, Width> as its window
// Twin: depthwise_not_a_kernel.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<8, 8, 2>, ctnn::depthwise_conv2d<ctnn::strides<3>>, ctnn::flatten, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
