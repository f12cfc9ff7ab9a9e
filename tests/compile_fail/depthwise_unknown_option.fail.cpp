// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position has an option it does not take \(depthwise_conv2d takes
// Twin: depthwise_unknown_option.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<8, 8, 2>, ctnn::depthwise_conv2d<ctnn::kernel<3>, ctnn::kernel_initializer<ctnn::init::zeros>>, ctnn::flatten, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
