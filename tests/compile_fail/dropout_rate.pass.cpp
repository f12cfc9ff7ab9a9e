// Twin of dropout_rate.fail.cpp: the same program without the mistake must compile.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<784>, ctnn::dense<64, ctnn::relu>, ctnn::dropout<ctnn::dropout_rate{0.5}>, ctnn::dense<10>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
