// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position has an option it does not take \(separable_conv2d takes
// Twin: separable_unknown_option.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<8, 8, 2>, ctnn::separable_conv2d<4, ctnn::kernel<3>, ctnn::kernel_regularizer<ctnn::regularizers::l2>>, ctnn::flatten, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
