// Twin of lstm_unknown_option.fail.cpp: the same network without the mistake compiles.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<5, 2>, ctnn::lstm<4, ctnn::unit_forget_bias<false>>, ctnn::dense<1>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
