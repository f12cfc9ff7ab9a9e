// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position .simple_rnn, lstm or gru. has an activation or recurrent_activation whose derivative needs its input
// Twin: recurrent_activation_reads_z.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<5, 2>, ctnn::gru<4, ctnn::gelu>, ctnn::dense<1>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
