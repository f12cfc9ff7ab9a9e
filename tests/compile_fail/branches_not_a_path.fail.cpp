// expect: error: static.assert.*failed.*ctnn::branches: the block at Position has an argument after its merge that is not a ctnn::path
// Twin: branches_not_a_path.pass.cpp, identical but for the mistake (a layer where a path goes).
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<3>, ctnn::branches<ctnn::add, ctnn::path<ctnn::dense<3>>, ctnn::dense<3>>, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
