// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position .prelu. shares an axis its input InputShape does not have
// Twin: prelu_shared_axis_out_of_range.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<8, 8, 1>, ctnn::conv2d<4, ctnn::kernel<3>>, ctnn::prelu<ctnn::shared_axes<0, 1>>, ctnn::flatten, ctnn::dense<1>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
