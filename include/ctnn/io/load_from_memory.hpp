#pragma once
// ctnn::load_from_memory(model, bytes, options): ctnn::load from bytes in memory -- weights
// embedded in the program (cmake/ctnnEmbedWeights.cmake), received or mapped -- with no file
// I/O and exactly the same checks. All or nothing: on any error the model is unchanged and the
// ctnn::io_error names the field or tensor, what was expected and what was found.
#include <cstddef>
#include <span>
#include <string>

#include "../core/model.hpp"
#include "detail/weight_reader.hpp"
#include "load_options.hpp"

namespace ctnn {

template <class Network, class Loss, class Optimizer>
void load_from_memory(model<Network, Loss, Optimizer>& m, std::span<const std::byte> bytes,
                      const load_options& options = {}) {
  detail::load_weights(m, bytes, "<memory>", options);
}

}  // namespace ctnn
