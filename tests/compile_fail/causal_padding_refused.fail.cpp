// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position is given ctnn::padding::causal, which only ctnn::conv1d takes
// Twin: causal_padding_refused.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<8, 8, 1>, ctnn::conv2d<4, ctnn::kernel<3>, ctnn::padding::causal>, ctnn::flatten, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
