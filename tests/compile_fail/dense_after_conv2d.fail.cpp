// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position needs a rank-1 or rank-2 input .features, or steps x features. but receives InputShape; insert ctnn::flatten
// Twin: dense_after_conv2d.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<28, 28, 1>, ctnn::conv2d<32, ctnn::kernel<3, 3>, ctnn::relu>, ctnn::max_pool2d<ctnn::pool<2, 2>>, ctnn::dense<10, ctnn::softmax>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
