// Twin of prelu_needs_rank_1_to_4.fail.cpp: the same network without the mistake compiles.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<2, 3, 2, 4>, ctnn::prelu<>, ctnn::flatten, ctnn::dense<1>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
