// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position .reshape. has a target shape of another size than its input InputShape
// Twin: reshape_size_mismatch.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<12>, ctnn::reshape<5, 2>, ctnn::dense<1>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
