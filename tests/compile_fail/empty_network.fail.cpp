// expect: error: static.assert.*failed.*ctnn::sequential<> is empty
// Twin: empty_network.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<>;
[[maybe_unused]] constexpr bool valid = net::valid;
int main() {}
