// Twin of prelu_shared_axis_out_of_range.fail.cpp: the same network without the mistake compiles.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<8, 8, 1>, ctnn::conv2d<4, ctnn::kernel<3>>, ctnn::prelu<ctnn::shared_axes<1, 2>>, ctnn::flatten, ctnn::dense<1>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
