// Twin of branches_error_in_path.fail.cpp: the same program without the mistake must compile.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<4, 2>, ctnn::branches<ctnn::add, ctnn::path<ctnn::flatten, ctnn::dense<3>>, ctnn::path<ctnn::flatten, ctnn::dense<3>>>, ctnn::flatten, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
