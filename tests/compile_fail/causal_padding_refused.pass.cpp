// Twin of causal_padding_refused.fail.cpp: the same program without the mistake must compile.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<8, 8, 1>, ctnn::conv2d<4, ctnn::kernel<3>, ctnn::padding::same>, ctnn::flatten, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
