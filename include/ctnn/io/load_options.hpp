#pragma once
// ctnn::load_options: how strict ctnn::load, ctnn::load_from_memory and ctnn::load_npz are.
// The defaults refuse anything that is not exactly this network's weights.
#include <optional>

namespace ctnn {

struct load_options {
  // What to do with the optimizer state (and iteration count) in a file.
  enum class optimizer_policy {
    // Restore it when the file holds state of the model's optimizer (same name, same number of
    // state slots); otherwise reset the model's state to zero and its iterations to 0, since
    // state kept from the previous weights would be wrong for the new ones.
    restore_if_compatible,
    // As restore_if_compatible, but a file without such state is an error.
    require,
    // Leave the model's optimizer state and iterations as they are.
    ignore,
  };
  optimizer_policy optimizer = optimizer_policy::restore_if_compatible;

  // The file's network fingerprint must equal the model's. When false, tensors are matched by
  // name and shape only (e.g. the same layers with another activation) -- at your own risk.
  bool require_same_network = true;

  // Run the file's test vector, if it has one, and refuse the weights when the model does not
  // reproduce it; the tolerance is the file's unless overridden here.
  bool check_test_vector = true;
  std::optional<double> rtol{}, atol{};

  // Parameters must be finite: a NaN or infinity in a weight file is a diverged training run or
  // a corrupt export, not a model.
  bool allow_non_finite = false;
};

}  // namespace ctnn
