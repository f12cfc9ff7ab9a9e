// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position \(simple_rnn, lstm or gru\) needs a rank-2 input \(steps, features\)
// Twin: lstm_needs_rank_2.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<12>, ctnn::lstm<8>, ctnn::dense<1>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
