// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position has an option it does not take \(simple_rnn takes
// Twin: simple_rnn_unknown_option.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<5, 2>, ctnn::simple_rnn<4, ctnn::unit_forget_bias<true>>, ctnn::dense<1>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
