#pragma once
// ctnn::save_npz(model, path): a model's parameters as a NumPy .npz archive (an uncompressed
// zip of .npy files, as numpy.savez writes), one float32 array per tensor under its
// Keras-style name: numpy.load(path)["dense_1/kernel"]; layer state (batch normalization's
// moving statistics) as float64 arrays. Kernels keep ctnn's (Keras') layouts:
// dense (in, out), conv2d (kh, kw, in, out). The entry "ctnn.network" holds the network
// description (bytes), which ctnn::load_npz checks when present.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "../core/model.hpp"
#include "detail/byte_io.hpp"
#include "detail/npy_format.hpp"
#include "detail/staging.hpp"
#include "detail/weight_format.hpp"
#include "detail/zip.hpp"
#include "network_description.hpp"

namespace ctnn {

template <class Network, class Loss, class Optimizer>
void save_npz(const model<Network, Loss, Optimizer>& m, const std::filesystem::path& path) {
  detail::zip_writer zip;
  const auto params = m.parameters();
  for (const auto& e : detail::parameter_table<Network>()) {
    detail::byte_writer npy;
    detail::write_npy(npy, std::span<const std::uint64_t>(e.dims.data(), e.rank), params.subspan(e.offset, e.size));
    zip.add(e.name + ".npy", npy.view());
  }
  auto layers = detail::copy_layers(m);
  for (const auto& st : detail::state_table<Network>(layers)) {
    detail::byte_writer npy;
    const std::uint64_t shape[1] = {st.values.size()};
    detail::write_npy(npy, shape, std::span<const double>(st.values));
    zip.add(st.name + ".npy", npy.view());
  }
  detail::byte_writer description;
  detail::write_npy_bytes(description, network_description<Network>);
  zip.add("ctnn.network.npy", description.view());
  detail::write_whole_file(path, std::move(zip).finish());
}

}  // namespace ctnn
