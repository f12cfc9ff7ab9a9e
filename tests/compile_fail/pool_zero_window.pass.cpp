// Twin of pool_zero_window.fail.cpp: the same program without the mistake must compile.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<28, 28, 1>, ctnn::average_pool2d<ctnn::pool<2, 1>>, ctnn::flatten, ctnn::dense<10>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
