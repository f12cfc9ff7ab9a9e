// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position is given the same kind of option twice
// Twin: gru_option_twice.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<5, 2>, ctnn::gru<4, ctnn::return_sequences<true>, ctnn::return_sequences<false>>, ctnn::dense<1>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
