#pragma once
// ctnn::save_to_memory(model, options): a model's weights in ctnn's weight format
// (docs/format.md) as bytes -- what ctnn::save writes to a file, for a database, a socket or a
// test. ctnn::load_from_memory reads them back.
#include <cstddef>
#include <vector>

#include "../core/model.hpp"
#include "detail/weight_writer.hpp"
#include "save_options.hpp"

namespace ctnn {

template <class Network, class Loss, class Optimizer>
std::vector<std::byte> save_to_memory(const model<Network, Loss, Optimizer>& m, const save_options& options = {}) {
  return detail::write_weights(m, options);
}

}  // namespace ctnn
