// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position \(simple_rnn, lstm or gru\) needs a rank-2 input \(steps, features\).*a recurrent layer before it must have return_sequences<true>
// Twin: gru_after_lstm_without_return_sequences.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<10, 2>, ctnn::lstm<8>, ctnn::gru<4>, ctnn::dense<1>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
