// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position has an option it does not take
// Twin: pool_unknown_option.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<8, 8, 1>, ctnn::max_pool2d<ctnn::pool<2, 2>, ctnn::relu>, ctnn::flatten>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
