// expect: error: static.assert.*failed.*ctnn::branches: the block at Position starts with something that is not a merge
// Twin: branches_not_a_merge.pass.cpp, identical but for the mistake (an activation where the merge goes).
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<3>, ctnn::branches<ctnn::relu, ctnn::path<ctnn::dense<3>>, ctnn::path<ctnn::dense<3>>>, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
