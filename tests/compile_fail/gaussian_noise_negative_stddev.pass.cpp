// Twin of gaussian_noise_negative_stddev.fail.cpp: the same program without the mistake must compile.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<4>, ctnn::dense<8, ctnn::relu>,
                             ctnn::gaussian_noise<ctnn::gaussian_noise_stddev{0.1}>, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
