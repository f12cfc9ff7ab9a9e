// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position .reshape. has a target shape that is not one
// Twin: reshape_bad_target_shape.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<12>, ctnn::reshape<-1, -1>, ctnn::dense<1>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
