// expect: error: static.assert.*failed.*ctnn::sequential: the entry at Position is not a layer
// Twin: not_a_layer.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<4>, ctnn::dense<3>, int>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
