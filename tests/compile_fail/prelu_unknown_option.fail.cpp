// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position has an option it does not take \(prelu takes
// Twin: prelu_unknown_option.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<8>, ctnn::dense<4>, ctnn::prelu<ctnn::relu>, ctnn::dense<1>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
