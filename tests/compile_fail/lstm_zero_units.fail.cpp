// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position has 0 units
// Twin: lstm_zero_units.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<5, 2>, ctnn::lstm<0>, ctnn::dense<1>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
