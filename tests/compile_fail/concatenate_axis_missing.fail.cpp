// expect: error: static.assert.*failed.*ctnn::branches: the block at Position concatenates along an axis its paths
// Twin: concatenate_axis_missing.pass.cpp, identical but for the mistake (axis 1 of rank-1 outputs).
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<3>, ctnn::branches<ctnn::concatenate<1>, ctnn::path<ctnn::dense<3>>, ctnn::path<ctnn::dense<2>>>, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
