// expect: error: static.assert.*failed.*ctnn::branches: the block at Position concatenates paths whose outputs .PathShapes. differ in rank or in a dimension other than the concatenation axis
// Twin: concatenate_shapes_differ.pass.cpp, identical but for the mistake (a (4, 3) sequence beside its flattened (8) form).
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<4, 2>, ctnn::branches<ctnn::concatenate<>, ctnn::path<ctnn::dense<3>>, ctnn::path<ctnn::flatten>>, ctnn::flatten, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
