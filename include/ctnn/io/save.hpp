#pragma once
// ctnn::save(model, path, options): writes a model's weights -- every parameter tensor under
// its Keras-style name ("dense_1/kernel") with its shape and dtype, the network's fingerprint,
// by default the optimizer state and iteration count, optionally a test vector -- in ctnn's
// versioned, checksummed, little-endian weight format (docs/format.md). ctnn::load reads it.
//
// The file is written to a temporary file of a unique name beside `path`, fsync'ed and renamed over
// it (detail/file_io.hpp): an interrupted save, a full disk or two saves to one path never leave a
// half-written file where a good one was. The replaced file's permissions are kept; saving
// through a symbolic link replaces the file it points to and keeps the link.
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
