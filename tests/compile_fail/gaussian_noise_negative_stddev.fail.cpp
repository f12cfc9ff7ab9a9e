// expect: error: static.assert.*failed.*ctnn::sequential: the layer at Position .gaussian_noise. has a negative or non-finite standard deviation
// Twin: gaussian_noise_negative_stddev.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<4>, ctnn::dense<8, ctnn::relu>,
                             ctnn::gaussian_noise<ctnn::gaussian_noise_stddev{-0.1}>, ctnn::dense<2>>;
[[maybe_unused]] constexpr std::size_t parameters = net::parameter_count;
int main() {}
