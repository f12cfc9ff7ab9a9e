// Twin of reshape_bad_target_shape.fail.cpp: the same network without the mistake compiles.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<12>, ctnn::reshape<-1, 2>, ctnn::dense<1>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
