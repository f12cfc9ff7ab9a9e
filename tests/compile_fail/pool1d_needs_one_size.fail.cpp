// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position is one-dimensional, so its kernel, pool, strides and dilation_rate take one size each
// Twin: pool1d_needs_one_size.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<8, 2>, ctnn::max_pool1d<ctnn::pool<2, 3>>, ctnn::flatten, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
