#pragma once
// ctnn::save(model, path, options): writes a model's weights -- every parameter tensor under
// its Keras-style name ("dense_1/kernel") with its shape and dtype, the network's fingerprint,
// by default the optimizer state and iteration count, optionally a test vector -- in ctnn's
// versioned, checksummed, little-endian weight format (docs/format.md). ctnn::load reads it.
//
// The file is written beside `path` and renamed over it, so an interrupted save never leaves a
// half-written file where a good one was.
#include <filesystem>

#include "../core/model.hpp"
#include "detail/byte_io.hpp"
#include "detail/weight_writer.hpp"
#include "save_options.hpp"

namespace ctnn {

template <class Network, class Loss, class Optimizer>
void save(const model<Network, Loss, Optimizer>& m, const std::filesystem::path& path,
          const save_options& options = {}) {
  detail::write_whole_file(path, detail::write_weights(m, options));
}

}  // namespace ctnn
