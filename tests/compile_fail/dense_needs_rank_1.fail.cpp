// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position needs a rank-1 or rank-2 input .features, or steps x features. but receives InputShape
// Twin: dense_needs_rank_1.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<28, 28, 1>, ctnn::relu, ctnn::dense<10>, ctnn::dense<5>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
