// expect: error: static.assert.*failed.*ctnn::residual: the block at Position has no layers in its body
// Twin: residual_empty_body.pass.cpp, identical but for the mistake (a residual block with a shortcut and no body).
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<3>, ctnn::residual<ctnn::shortcut<ctnn::dense<3>>>, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
