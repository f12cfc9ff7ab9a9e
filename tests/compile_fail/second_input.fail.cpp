// expect: error: static.assert.*failed.*ctnn::sequential: ctnn::input may only be the first entry
// Twin: second_input.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<4>, ctnn::dense<10>, ctnn::input<10>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
