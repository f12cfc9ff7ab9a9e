// Twin of separable_unknown_option.fail.cpp: the same program without the mistake must compile.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<8, 8, 2>, ctnn::separable_conv2d<4, ctnn::kernel<3>, ctnn::pointwise_regularizer<ctnn::regularizers::l2>>, ctnn::flatten, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
