// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position .dropout. has a rate outside
// Twin: dropout_rate.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<784>, ctnn::dense<64, ctnn::relu>, ctnn::dropout<ctnn::dropout_rate{1.0}>, ctnn::dense<10>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
