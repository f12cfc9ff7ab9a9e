// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position has an option it does not take \(layer_normalization takes
// Twin: layer_normalization_unknown_option.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<6>, ctnn::dense<4>, ctnn::layer_normalization<ctnn::use_bias<false>>, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
