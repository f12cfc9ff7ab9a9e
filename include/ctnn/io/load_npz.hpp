#pragma once
// ctnn::load_npz(model, path, options): a model's parameters from a NumPy .npz archive, as
// written by ctnn::save_npz or numpy.savez / numpy.savez_compressed: one array per tensor,
// named "dense_1/kernel" (Keras-style), in ctnn's (Keras') layouts, float32 or float64. All or
// nothing, as ctnn::load: missing or extra tensors, other shapes or dtypes, NaN, a damaged
// archive or -- when the archive carries "ctnn.network" -- another network type leave the
// model unchanged and throw a ctnn::io_error. An archive holds no optimizer state: by default
// the model's is reset (see load_options::optimizer_policy).
#include <filesystem>

#include "../core/model.hpp"
#include "detail/byte_io.hpp"
#include "detail/npz_reader.hpp"
#include "load_options.hpp"

namespace ctnn {

template <class Network, class Loss, class Optimizer>
void load_npz(model<Network, Loss, Optimizer>& m, const std::filesystem::path& path, const load_options& options = {}) {
  const auto bytes = detail::read_whole_file(path);
  detail::load_npz_bytes(m, bytes, path.string(), options);
}

}  // namespace ctnn
