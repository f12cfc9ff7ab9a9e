// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position .2D convolution or pooling. needs a rank-3 input
// Twin: pool_needs_rank_3.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<28, 28, 1>, ctnn::flatten, ctnn::max_pool2d<ctnn::pool<2, 2>>, ctnn::dense<10>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
