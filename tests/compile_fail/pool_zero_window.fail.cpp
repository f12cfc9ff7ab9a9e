// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position has a kernel or pool window with a dimension of 0
// Twin: pool_zero_window.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<28, 28, 1>, ctnn::average_pool2d<ctnn::pool<2, 0>>, ctnn::flatten, ctnn::dense<10>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
