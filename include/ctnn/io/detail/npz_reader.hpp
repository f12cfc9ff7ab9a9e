#pragma once
// Loading a model's parameters from an .npz archive, all or nothing (see ctnn::load_npz).
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "../../core/model.hpp"
#include "../io_error.hpp"
#include "../load_options.hpp"
#include "../network_fingerprint.hpp"
#include "npy_format.hpp"
#include "staging.hpp"
#include "weight_format.hpp"
#include "zip.hpp"

namespace ctnn::detail {

// An .npy entry's header, read from the entry's first bytes only, so that its dtype and shape can
// be checked before its data is inflated; the entry's size must be what the header declares.
// The header is read before the entry's CRC-32 can be checked, so a header that does not parse
// may be damage: when the entry is no larger than the values expected there could need
// (`plausible` bytes), it is inflated whole, and a CRC-32 or stream error is reported instead.
inline npy_array npy_entry_header(zip_entry_reader& r, const std::string& source, const std::string& what,
                                  std::uint64_t plausible) {
  npy_array a;
  std::size_t data_at = 0;
  try {
    data_at = npy_data_offset(r.prefix(12), source, what);
    a = parse_npy_header(r.prefix(data_at), source, what);
  } catch (const io_error&) {
    if (r.size() <= plausible) r.all();  // throws when the entry is damaged
    throw;
  }
  const std::uint64_t need = a.count * npy_item_size(a.descr);
  if (r.size() < data_at || need != r.size() - data_at)
    throw io_error(io_error::reason::corrupt, source, what + ": size",
                   std::to_string(data_at) + " + " + std::to_string(need) + " bytes (header and data of shape " +
                       npy_shape_text(a.shape) + ")",
                   std::to_string(r.size()) + " bytes (the zip entry's size)", "the archive is damaged");
  return a;
}

template <class Network, class Loss, class Optimizer>
void load_npz_bytes(model<Network, Loss, Optimizer>& m, std::span<const std::byte> bytes, const std::string& source,
                    const load_options& options) {
  using reason = io_error::reason;
  const auto entries = parse_zip(bytes, source);
  std::unordered_map<std::string, const zip_entry*> by_name;
  for (const auto& e : entries) by_name.emplace(e.name, &e);

  if (const auto it = by_name.find("ctnn.network.npy"); it != by_name.end() && options.require_same_network) {
    const std::string what = "entry 'ctnn.network.npy'";
    zip_entry_reader r(*it->second, source);
    const auto a = npy_entry_header(r, source, what, npy_max_header_length + 12 + 2 * network_description<Network>.size());
    if (a.descr != "|u1" || a.shape.size() != 1)
      throw io_error(reason::corrupt, source, what, "a 1-D '|u1' array (the network description)",
                     "'" + a.descr + "' of shape " + npy_shape_text(a.shape));
    // One byte more than this network's description is enough to tell a longer one apart.
    const std::size_t data_at = static_cast<std::size_t>(r.size() - a.count);
    const std::size_t shown = static_cast<std::size_t>(std::min<std::uint64_t>(a.count, network_description<Network>.size() + 1));
    const auto bytes = a.count == shown ? parse_npy(r.all(), source, what).data : r.prefix(data_at + shown).subspan(data_at);
    const std::string description(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (description != network_description<Network>) {
      const auto [expected, found] = first_difference(network_description<Network>, description);
      throw io_error(reason::network_mismatch, source, "network", expected, found,
                     "the weights were saved from another network type");
    }
  }

  staged_weights<Network> s = stage(m);
  std::string held;
  for (const auto& e : entries)
    if (held.size() < 200) held += (held.empty() ? "" : ", ") + e.name;
  const auto table = parameter_table<Network>();
  for (const auto& t : table) {
    const std::string entry = t.name + ".npy", what = "tensor '" + t.name + "'";
    const auto it = by_name.find(entry);
    if (it == by_name.end())
      throw io_error(reason::missing_tensor, source, what, "an entry '" + entry + "'", "none",
                     held.empty() ? "the archive is empty" : "the archive holds: " + held);
    zip_entry_reader r(*it->second, source);
    const auto head = npy_entry_header(r, source, what, npy_max_header_length + 12 + 8 * t.size);  // before the data
    require_float_npy(head, source, what);
    bool same = head.shape.size() == t.rank;
    for (std::size_t d = 0; same && d < t.rank; ++d) same = head.shape[d] == t.dims[d];
    if (!same)
      throw io_error(reason::shape_mismatch, source, what + ": shape",
                     npy_shape_text(std::vector<std::uint64_t>(t.dims.begin(), t.dims.begin() + static_cast<std::ptrdiff_t>(t.rank))),
                     npy_shape_text(head.shape),
                     t.rank == 2 && head.shape.size() == 2 && head.shape[0] == t.dims[1] && head.shape[1] == t.dims[0]
                         ? "a transposed kernel? ctnn's dense kernel is (in, out) as Keras'; PyTorch's Linear weight is (out, in)"
                         : "");
    npy_to_floats(parse_npy(r.all(), source, what), s.parameters.data() + t.offset);
    if (!options.allow_non_finite)
      require_finite(std::span<const float>(s.parameters.data() + t.offset, t.size), source, what,
                     "the saved model had diverged, or the export is broken");
  }
  const auto states = state_table<Network>(s.layers);
  for (const auto& st : states) {
    const std::string entry = st.name + ".npy", what = "tensor '" + st.name + "'";
    const auto it = by_name.find(entry);
    if (it == by_name.end())
      throw io_error(reason::missing_tensor, source, what, "an entry '" + entry + "'", "none",
                     "the archive holds: " + held);
    zip_entry_reader r(*it->second, source);
    const auto head = npy_entry_header(r, source, what, npy_max_header_length + 12 + 8 * st.values.size());
    require_float_npy(head, source, what);
    if (head.shape.size() != 1 || head.shape[0] != st.values.size())
      throw io_error(reason::shape_mismatch, source, what + ": shape", npy_shape_text({std::uint64_t{st.values.size()}}),
                     npy_shape_text(head.shape));
    npy_convert(parse_npy(r.all(), source, what), st.values.data());
    if (!options.allow_non_finite)
      require_finite(std::span<const double>(st.values), source, what, "the saved model had diverged");
  }
  for (const auto& e : entries) {
    if (e.name == "ctnn.network.npy") continue;
    bool known = false;
    for (const auto& t : table) known = known || e.name == t.name + ".npy";
    for (const auto& st : states) known = known || e.name == st.name + ".npy";
    if (!known)
      throw io_error(reason::unexpected_tensor, source, "entry '" + e.name + "'", "only tensors of this network",
                     "an entry this network has no tensor for", "the archive holds more layers or parameters than this network");
  }
  switch (options.optimizer) {
    case load_options::optimizer_policy::require:
      throw io_error(reason::optimizer_mismatch, source, "optimizer state", std::string(Optimizer::name) + " state",
                     "none (.npz archives hold parameters only)", "use ctnn::save / ctnn::load for checkpoints");
    case load_options::optimizer_policy::restore_if_compatible:
      s.set_optimizer = true;  // reset: the old state belongs to the old weights
      break;
    case load_options::optimizer_policy::ignore:
      break;
  }
  commit(m, s);
}

}  // namespace ctnn::detail
