// Twin of conv2d_needs_rank_3.fail.cpp: the same program without the mistake must compile.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<28, 28, 1>, ctnn::conv2d<8, ctnn::kernel<3, 3>>, ctnn::flatten, ctnn::dense<10>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
