// expect: error: static.assert.*failed.*ctnn::sequential: the first entry must be ctnn::input
// Twin: input_not_first.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::dense<10>, ctnn::input<4>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
