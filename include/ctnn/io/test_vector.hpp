#pragma once
// ctnn::test_vector: inputs and the outputs a model must give for them. Saved with the weights
// (save_options::test), it is checked by every load: a model that does not reproduce the
// outputs within the tolerance -- wrong run-time hyperparameters, another build's layer code,
// weights exported with the wrong layout -- is refused before it is changed.
#include <vector>

namespace ctnn {

struct test_vector {
  std::vector<float> inputs;   // count x the network's input size, row-major (channels last)
  std::vector<float> outputs;  // count x the network's output size
  // An output passes when |output - expected| <= atol + rtol * |expected|. The defaults allow
  // for another compiler, SIMD width or summation order, not for other weights.
  double rtol = 1e-4;
  double atol = 1e-6;
};

}  // namespace ctnn
