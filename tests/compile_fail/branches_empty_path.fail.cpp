// expect: error: static.assert.*failed.*ctnn::branches: the block at Position has an empty ctnn::path<>
// Twin: branches_empty_path.pass.cpp, identical but for the mistake (an empty path).
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<3>, ctnn::branches<ctnn::add, ctnn::path<>, ctnn::path<ctnn::dense<3>>>, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
