// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position .2D convolution or pooling. needs a rank-3 input
// Twin: branches_error_in_path.pass.cpp, identical but for the mistake (a mistake inside a path: its own sentence, once, and nothing from the block).
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<4, 2>, ctnn::branches<ctnn::add, ctnn::path<ctnn::flatten, ctnn::dense<3>>, ctnn::path<ctnn::conv2d<3, ctnn::kernel<1>>, ctnn::flatten, ctnn::dense<3>>>, ctnn::flatten, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
