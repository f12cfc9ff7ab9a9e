// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position has 0 units
// Twin: dense_zero_units.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<4>, ctnn::dense<8, ctnn::relu>, ctnn::dense<0>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
