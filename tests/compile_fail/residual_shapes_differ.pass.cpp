// Twin of residual_shapes_differ.fail.cpp: the same program without the mistake must compile.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<3>, ctnn::residual<ctnn::dense<4>, ctnn::shortcut<ctnn::dense<4>>>, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
