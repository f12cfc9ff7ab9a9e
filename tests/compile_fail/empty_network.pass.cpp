// Twin of empty_network.fail.cpp: the same program without the mistake must compile.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<4>, ctnn::dense<2>>;
static_assert(net::valid);
int main() {}
