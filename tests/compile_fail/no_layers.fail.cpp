// expect: error: static.assert.*failed.*ctnn::sequential: the network has an input but no layer
// Twin: no_layers.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<4>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
