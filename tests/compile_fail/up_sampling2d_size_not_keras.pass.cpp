// Twin of up_sampling2d_size_not_keras.fail.cpp: the same network without the mistake compiles.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<7, 7, 16>, ctnn::up_sampling2d<2, 1>, ctnn::flatten>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
