// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position \(1D convolution or pooling\) needs a rank-2 input
// Twin: conv1d_needs_rank_2.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<16, 16, 1>, ctnn::conv1d<4, ctnn::kernel<3>>, ctnn::flatten, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
