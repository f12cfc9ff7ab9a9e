#pragma once
// ctnn::save_options: what ctnn::save and ctnn::save_to_memory write besides the parameters.
#include <optional>

#include "test_vector.hpp"

namespace ctnn {

struct save_options {
  // The optimizer's state and iteration count: what fit needs to resume exactly. Leave out for
  // a deployed model (an Adam model's file is then a third of the size).
  bool optimizer_state = true;
  // Inputs and expected outputs every load checks (see ctnn::make_test_vector).
  std::optional<test_vector> test{};
};

}  // namespace ctnn
