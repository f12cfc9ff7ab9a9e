// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position has 0 units
// Twin: conv2d_zero_filters.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<28, 28, 1>, ctnn::conv2d<0, ctnn::kernel<3, 3>>, ctnn::flatten, ctnn::dense<10>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
