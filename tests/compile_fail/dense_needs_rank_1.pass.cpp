// Twin of dense_needs_rank_1.fail.cpp: the same program without the mistake must compile.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<784>, ctnn::relu, ctnn::dense<10>, ctnn::dense<5>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
