// expect: error: static.assert.*failed.*ctnn::branches: the block at Position gives its merge a number of paths it does not take
// Twin: branches_merge_path_count.pass.cpp, identical but for the mistake (subtract of three paths).
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<3>, ctnn::branches<ctnn::subtract, ctnn::path<ctnn::dense<3>>, ctnn::path<ctnn::dense<3>>, ctnn::path<ctnn::dense<3>>>, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
