#pragma once
// ctnn::make_test_vector(model, inputs): a test_vector of the inputs and what the model
// predicts for them now, to save with the weights (save_options::test).
#include <vector>

#include "../core/model.hpp"
#include "test_vector.hpp"

namespace ctnn {

template <class Network, class Loss, class Optimizer>
test_vector make_test_vector(model<Network, Loss, Optimizer>& m,
                             const typename model<Network, Loss, Optimizer>::input_samples& inputs,
                             double rtol = 1e-4, double atol = 1e-6) {
  const auto outputs = m.predict(inputs);
  return {std::vector<float>(inputs.values().begin(), inputs.values().end()),
          std::vector<float>(outputs.values().begin(), outputs.values().end()), rtol, atol};
}

}  // namespace ctnn
