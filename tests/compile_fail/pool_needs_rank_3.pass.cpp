// Twin of pool_needs_rank_3.fail.cpp: the same program without the mistake must compile.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<28, 28, 1>, ctnn::max_pool2d<ctnn::pool<2, 2>>, ctnn::flatten, ctnn::dense<10>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
