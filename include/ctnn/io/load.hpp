#pragma once
// ctnn::load(model, path, options): reads weights written by ctnn::save (or
// tools/export_pytorch.py) into a model. All or nothing: the whole file is read and checked --
// magic, version, size, CRC-32, network fingerprint, every tensor's name, dtype, shape and
// finiteness, the optimizer state, the test vector if the file has one -- before the model is
// touched; on any error the model is unchanged and the ctnn::io_error names the field or
// tensor, what was expected and what was found. load_options relaxes the checks.
#include <filesystem>

#include "../core/model.hpp"
#include "detail/byte_io.hpp"
#include "detail/weight_reader.hpp"
#include "load_options.hpp"

namespace ctnn {

template <class Network, class Loss, class Optimizer>
void load(model<Network, Loss, Optimizer>& m, const std::filesystem::path& path, const load_options& options = {}) {
  const auto bytes = detail::read_whole_file(path);
  detail::load_weights(m, bytes, path.string(), options);
}

}  // namespace ctnn
