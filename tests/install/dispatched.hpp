#pragma once
#include <ctnn/ctnn.hpp>

namespace app {
using net = ctnn::sequential<ctnn::input<4>, ctnn::dense<3, ctnn::relu>, ctnn::dense<2, ctnn::softmax>>;
}  // namespace app

CTNN_ISA_DECLARE(namespace app, float sum_of_outputs(std::span<const float, 4> x))
