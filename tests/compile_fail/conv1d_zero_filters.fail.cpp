// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position has 0 units
// Twin: conv1d_zero_filters.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<8, 2>, ctnn::conv1d<0, ctnn::kernel<3>>, ctnn::flatten, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
