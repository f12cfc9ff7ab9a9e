// expect: error: static.assert.*failed.*ctnn::residual: the block at Position adds its body.s output
// Twin: residual_shapes_differ.pass.cpp, identical but for the mistake (the body changes 3 features to 4 without a shortcut).
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<3>, ctnn::residual<ctnn::dense<4>>, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
