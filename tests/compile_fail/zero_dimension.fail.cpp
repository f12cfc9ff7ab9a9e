// expect: error: static.assert.*failed.*ctnn::input<Dims...> has a dimension of size 0
// Twin: zero_dimension.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<28, 0>, ctnn::relu>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
