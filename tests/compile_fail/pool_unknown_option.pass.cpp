// Twin of pool_unknown_option.fail.cpp: the same program without the mistake must compile.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<8, 8, 1>, ctnn::max_pool2d<ctnn::pool<2, 2>, ctnn::padding::same>, ctnn::flatten>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
