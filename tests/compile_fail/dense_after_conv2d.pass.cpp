// Twin of dense_after_conv2d.fail.cpp: the same program without the mistake must compile.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<28, 28, 1>, ctnn::conv2d<32, ctnn::kernel<3, 3>, ctnn::relu>, ctnn::max_pool2d<ctnn::pool<2, 2>>, ctnn::flatten, ctnn::dense<10, ctnn::softmax>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
