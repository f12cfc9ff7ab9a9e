// Twin of layer_normalization_unknown_option.fail.cpp: the same program without the mistake must compile.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<6>, ctnn::dense<4>, ctnn::layer_normalization<ctnn::center<false>>, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
