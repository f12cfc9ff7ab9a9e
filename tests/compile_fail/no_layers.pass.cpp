// Twin of no_layers.fail.cpp: the same program without the mistake must compile.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<4>, ctnn::relu>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
