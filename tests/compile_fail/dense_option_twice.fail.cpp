// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position is given the same kind of option twice
// Twin: dense_option_twice.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<4>, ctnn::dense<8, ctnn::relu, ctnn::sigmoid>, ctnn::dense<1>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
