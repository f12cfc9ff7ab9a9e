// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position .prelu. needs an input of rank 1 to 4
// Twin: prelu_needs_rank_1_to_4.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<2, 3, 2, 2, 2>, ctnn::prelu<>, ctnn::flatten, ctnn::dense<1>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
