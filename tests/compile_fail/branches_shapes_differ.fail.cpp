// expect: error: static.assert.*failed.*ctnn::branches: the block at Position merges paths whose outputs .PathShapes. differ
// Twin: branches_shapes_differ.pass.cpp, identical but for the mistake (an add of 2 and 3 features).
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<3>, ctnn::branches<ctnn::add, ctnn::path<ctnn::dense<2>>, ctnn::path<ctnn::dense<3>>>, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
