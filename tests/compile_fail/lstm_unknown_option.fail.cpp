// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position has an option it does not take \(lstm takes
// Twin: lstm_unknown_option.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<5, 2>, ctnn::lstm<4, ctnn::reset_after<false>>, ctnn::dense<1>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
