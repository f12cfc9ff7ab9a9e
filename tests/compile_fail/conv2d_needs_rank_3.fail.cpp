// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position .2D convolution or pooling. needs a rank-3 input
// Twin: conv2d_needs_rank_3.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<784>, ctnn::conv2d<8, ctnn::kernel<3, 3>>, ctnn::flatten, ctnn::dense<10>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
