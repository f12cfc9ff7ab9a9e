// Twin of gru_after_lstm_without_return_sequences.fail.cpp: the same network without the mistake compiles.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<10, 2>, ctnn::lstm<8, ctnn::return_sequences<true>>, ctnn::gru<4>, ctnn::dense<1>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
