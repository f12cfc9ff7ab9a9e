// Twin of prelu_unknown_option.fail.cpp: the same network without the mistake compiles.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<8>, ctnn::dense<4>, ctnn::prelu<ctnn::alpha_initializer<ctnn::init::zeros>>, ctnn::dense<1>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
