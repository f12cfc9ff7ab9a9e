// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position .up_sampling2d. has a size that is not one or two factors of at least 1
// Twin: up_sampling2d_size_not_keras.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<7, 7, 16>, ctnn::up_sampling2d<2, 0>, ctnn::flatten>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
