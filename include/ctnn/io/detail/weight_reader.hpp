#pragma once
// Reading ctnn's weight format (docs/format.md): parse_weights checks the file as a file --
// magic, version, size, checksum, record structure -- without allocating anything a header
// merely claims; load_weights then checks it against a model and commits all or nothing.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "../../core/model.hpp"
#include "../io_error.hpp"
#include "../load_options.hpp"
#include "../network_fingerprint.hpp"
#include "byte_io.hpp"
#include "staging.hpp"
#include "weight_format.hpp"

namespace ctnn::detail {

struct tensor_record {
  std::string name;
  std::uint8_t dtype = 0;
  std::size_t rank = 0;
  std::array<std::uint64_t, weight_max_rank> dims{};
  std::uint64_t count = 0;
  std::span<const std::byte> data;  // count * dtype_size bytes, little-endian
};
struct optimizer_record {
  std::string name;
  std::uint32_t slots = 0;
  std::uint64_t iterations = 0;
};
struct test_vector_record {
  std::uint64_t count = 0;
  double rtol = 0, atol = 0;
};
struct random_record {
  std::string algorithm;
  std::vector<std::uint64_t> words;
};
struct parsed_weights {
  std::uint64_t fingerprint = 0;
  std::string description;
  std::vector<tensor_record> tensors;
  std::optional<optimizer_record> optimizer;
  std::optional<test_vector_record> test;
  std::optional<random_record> random;
};

// What a file that is not ours probably is, for the bad-magic message.
inline std::string format_hint(std::span<const std::byte> head) {
  auto starts = [&](std::string_view s) {
    if (head.size() < s.size()) return false;
    for (std::size_t i = 0; i < s.size(); ++i)
      if (static_cast<unsigned char>(head[i]) != static_cast<unsigned char>(s[i])) return false;
    return true;
  };
  if (starts("PK\x03\x04") || starts("PK\x05\x06")) return "this is a zip archive (.npz?): use ctnn::load_npz";
  if (starts("\x93NUMPY")) return "this is a NumPy .npy file: use ctnn::load_npy";
  if (starts("\x1f\x8b")) return "this is gzip-compressed: decompress it first";
  if (starts("\x80")) return "this looks like a Python pickle (torch.save?): convert it with tools/export_pytorch.py";
  return "not a ctnn weight file";
}

inline parsed_weights parse_weights(std::span<const std::byte> bytes, const std::string& source) {
  using reason = io_error::reason;
  const std::string magic_text =
      bytes_text(std::as_bytes(std::span(weight_magic.data(), weight_magic.size())));
  const std::size_t head = std::min<std::size_t>(bytes.size(), weight_magic.size());
  if (bytes.empty())
    throw io_error(reason::truncated, source, "file", "a ctnn weight file", "an empty file");
  for (std::size_t i = 0; i < head; ++i)
    if (static_cast<unsigned char>(bytes[i]) != weight_magic[i])
      throw io_error(reason::bad_magic, source, "magic number", magic_text, bytes_text(bytes.first(head)),
                     format_hint(bytes));

  byte_reader header(bytes, source, reason::truncated);
  header.take(weight_magic.size(), "magic number");
  const std::uint32_t version = header.u32("format version");
  if (version == 0 || version > weight_format_version)
    throw io_error(reason::unsupported_version, source, "format version",
                   "at most " + std::to_string(weight_format_version), std::to_string(version),
                   version == 0 ? "the header is corrupt"
                                : "the file was written by a newer ctnn; upgrade ctnn to read it");
  const std::uint32_t flags = header.u32("flags");
  if (flags != 0)
    throw io_error(reason::unsupported_version, source, "flags", "0 (format version 1 defines no flags)",
                   hex(flags, 8), "the file was written by a newer ctnn, or the header is corrupt");
  const std::uint64_t declared = header.u64("file size");
  if (declared > bytes.size())
    throw io_error(reason::truncated, source, "file size",
                   std::to_string(declared) + " bytes (as the header says)", std::to_string(bytes.size()),
                   "the file is truncated");
  if (declared < bytes.size())
    throw io_error(reason::corrupt, source, "file size", std::to_string(declared) + " bytes (as the header says)",
                   std::to_string(bytes.size()), "data follows the end of the weight file");
  if (declared < weight_header_size + 4)
    throw io_error(reason::corrupt, source, "file size",
                   "at least " + std::to_string(weight_header_size + 4) + " bytes", std::to_string(declared));
  const auto body = bytes.first(bytes.size() - 4);
  const auto stored = static_cast<std::uint32_t>(load_le(bytes.data() + body.size(), 4));
  const std::uint32_t computed = crc32_of(body);
  if (stored != computed)
    throw io_error(reason::bad_checksum, source, "checksum (CRC-32 of the first " + std::to_string(body.size()) + " bytes)",
                   hex(stored, 8) + " (stored in the file)", hex(computed, 8) + " (computed)",
                   "the file was changed or damaged after it was written");

  // From here on every length has been covered by the checksum: running out means a writer bug
  // or a forged file, reported as corrupt.
  byte_reader in(body, source, reason::corrupt);
  in.take(weight_header_size - 4, "header");
  parsed_weights p;
  p.fingerprint = load_le(bytes.data() + 24, 8);
  const std::uint32_t description_length = in.u32("network description length");
  p.description = in.text(description_length, "network description");
  if (fnv1a_64(p.description) != p.fingerprint)
    throw io_error(reason::corrupt, source, "network fingerprint",
                   hex(fnv1a_64(p.description), 16) + " (the hash of the stored description)",
                   hex(p.fingerprint, 16));

  std::unordered_map<std::string, std::size_t> names;
  std::size_t index = 0;
  while (in.remaining() > 0) {
    const std::string at = "record " + std::to_string(index++) + " at offset " + std::to_string(in.position());
    const std::string tag = in.text(4, at + ": tag");
    const std::uint64_t length = in.u64(at + ": length");
    if (length > in.remaining())
      throw io_error(reason::corrupt, source, at + " (" + tag + "): length",
                     "at most " + std::to_string(in.remaining()) + " bytes (what is left before the checksum)",
                     std::to_string(length) + " bytes");
    const auto payload = in.take(static_cast<std::size_t>(length), at + " (" + tag + "): payload");
    byte_reader r(payload, source, reason::corrupt, at + " (" + tag + "): ");
    if (tag == tag_tensor) {
      tensor_record t;
      const std::uint16_t name_length = r.u16("name length");
      t.name = r.text(name_length, "name");
      const std::string what = "tensor '" + t.name + "'";
      if (t.name.empty()) throw io_error(reason::corrupt, source, at + ": tensor name", "a name", "an empty name");
      if (names.count(t.name))
        throw io_error(reason::corrupt, source, what, "one record per tensor", "a second record of that name");
      t.dtype = r.u8("dtype");
      t.rank = r.u8("rank");
      if (dtype_size(t.dtype) == 0)
        throw io_error(reason::corrupt, source, what + ": dtype", "a dtype code of docs/format.md",
                       std::to_string(t.dtype));
      if (t.rank > weight_max_rank)
        throw io_error(reason::corrupt, source, what + ": rank", "at most " + std::to_string(weight_max_rank),
                       std::to_string(t.rank));
      std::uint64_t count = 1;
      bool overflow = false;
      for (std::size_t d = 0; d < t.rank; ++d) {
        t.dims[d] = r.u64("dimension " + std::to_string(d));
        if (t.dims[d] != 0 && count > UINT64_MAX / 8 / t.dims[d]) overflow = true;
        else count *= t.dims[d];
      }
      const std::uint64_t need = count * dtype_size(t.dtype);
      if (overflow || need != r.remaining())
        throw io_error(reason::corrupt, source, what + ": values",
                       overflow ? std::string("a shape of fewer than 2^61 values")
                                : std::to_string(need) + " bytes for " + dtype_name(t.dtype) + " " + dims_text(t.dims, t.rank),
                       std::to_string(r.remaining()) + " bytes in the record",
                       overflow ? "the shape " + dims_text(t.dims, t.rank) + " is absurd" : "");
      t.count = count;
      t.data = r.take(static_cast<std::size_t>(need), "values");
      names.emplace(t.name, p.tensors.size());
      p.tensors.push_back(std::move(t));
    } else if (tag == tag_optimizer) {
      if (p.optimizer) throw io_error(reason::corrupt, source, at, "one OPTM record", "a second one");
      optimizer_record o;
      o.name = r.text(r.u16("name length"), "optimizer name");
      o.slots = r.u32("state slots");
      o.iterations = r.u64("iterations");
      p.optimizer = std::move(o);
    } else if (tag == tag_test_vector) {
      if (p.test) throw io_error(reason::corrupt, source, at, "one TVEC record", "a second one");
      test_vector_record t;
      t.count = r.u64("sample count");
      t.rtol = r.f64("rtol");
      t.atol = r.f64("atol");
      p.test = t;
    } else if (tag == tag_random) {
      if (p.random) throw io_error(reason::corrupt, source, at, "one RAND record", "a second one");
      random_record g;
      g.algorithm = r.text(r.u16("name length"), "generator name");
      const std::uint32_t count = r.u32("word count");
      if (count > r.remaining() / 8)
        throw io_error(reason::corrupt, source, at + " (RAND): word count",
                       "at most " + std::to_string(r.remaining() / 8), std::to_string(count));
      for (std::uint32_t i = 0; i < count; ++i) g.words.push_back(r.u64("state word"));
      p.random = std::move(g);
    } else {
      throw io_error(reason::corrupt, source, at + ": tag", "TNSR, OPTM, TVEC or RAND",
                     bytes_text(std::as_bytes(std::span(tag.data(), tag.size()))));
    }
    if (r.remaining() != 0)
      throw io_error(reason::corrupt, source, at + " (" + tag + "): length",
                     std::to_string(r.position()) + " bytes", std::to_string(length) + " bytes");
  }
  return p;
}

// The tensor's record, after checking its dtype and shape against what is expected.
template <class Dims>
const tensor_record& expect_tensor(const std::unordered_map<std::string_view, const tensor_record*>& by_name,
                                   const std::string& name, dtype type, const Dims& dims, std::size_t rank,
                                   const std::string& source, const std::string& hint) {
  const std::string type_name = dtype_name(static_cast<std::uint8_t>(type));
  const auto it = by_name.find(name);
  if (it == by_name.end())
    throw io_error(io_error::reason::missing_tensor, source, "tensor '" + name + "'",
                   type_name + " " + dims_text(dims, rank), "no such tensor in the file", hint);
  const tensor_record& t = *it->second;
  if (t.dtype != static_cast<std::uint8_t>(type))
    throw io_error(io_error::reason::dtype_mismatch, source, "tensor '" + name + "': dtype", type_name,
                   dtype_name(t.dtype), "convert the tensor to " + type_name + " before saving");
  bool same = t.rank == rank;
  for (std::size_t d = 0; same && d < rank; ++d) same = t.dims[d] == dims[d];
  if (!same)
    throw io_error(io_error::reason::shape_mismatch, source, "tensor '" + name + "': shape", dims_text(dims, rank),
                   dims_text(t.dims, t.rank));
  return t;
}

template <class Network, class Loss, class Optimizer>
void load_weights(model<Network, Loss, Optimizer>& m, std::span<const std::byte> bytes, const std::string& source,
                  const load_options& options) {
  using reason = io_error::reason;
  using model_type = model<Network, Loss, Optimizer>;
  const parsed_weights p = parse_weights(bytes, source);

  constexpr std::uint64_t fingerprint = network_fingerprint<Network>;
  if (options.require_same_network && p.fingerprint != fingerprint) {
    const auto [expected, found] = first_difference(network_description<Network>, p.description);
    throw io_error(reason::network_mismatch, source, "network", expected, found,
                   "the weights were saved from another network type (fingerprint " + hex(p.fingerprint, 16) +
                       ", this network's is " + hex(fingerprint, 16) + ")");
  }

  std::unordered_map<std::string_view, const tensor_record*> by_name;
  for (const auto& t : p.tensors) by_name.emplace(t.name, &t);
  std::unordered_map<std::string_view, bool> used;
  auto take = [&](const std::string& name, dtype type, const auto& dims, std::size_t rank,
                  const std::string& hint) -> const tensor_record& {
    const tensor_record& t = expect_tensor(by_name, name, type, dims, rank, source, hint);
    used[t.name] = true;
    return t;
  };

  staged_weights<Network> s = stage(m);
  const auto table = parameter_table<Network>();
  std::string held;  // the file's parameter tensors, for a missing-tensor message
  for (const auto& t : p.tensors)
    if (!t.name.starts_with("optimizer/") && !t.name.starts_with("test_vector/") && held.size() < 200)
      held += (held.empty() ? "" : ", ") + t.name;
  for (const auto& e : table) {
    const tensor_record& t = take(e.name, dtype::float32, e.dims, e.rank, "the file holds: " + held);
    floats_from_le(t.data, s.parameters.data() + e.offset);
    if (!options.allow_non_finite)
      require_finite(std::span<const float>(s.parameters.data() + e.offset, e.size), source,
                     "tensor '" + e.name + "'", "the saved model had diverged, or the export is broken");
  }
  for (const auto& st : state_table<Network>(s.layers)) {
    const tensor_record& t = take(st.name, dtype::float64, std::array<std::uint64_t, 1>{st.values.size()}, 1,
                                  "the file holds: " + held);
    doubles_from_le(t.data, st.values.data());
    if (!options.allow_non_finite)
      require_finite(std::span<const double>(st.values), source, "tensor '" + st.name + "'",
                     "the saved model had diverged, or the export is broken");
  }

  // A streaming layer's state is optional: a file without it (an export from another
  // framework, weights saved before a stream ran) loads as the start of a stream.
  for (const auto& e : streaming_table<Network>()) {
    if (!by_name.contains(e.name)) {
      std::fill_n(s.streaming.data() + e.offset, e.size, 0.0f);
      continue;
    }
    const tensor_record& t = take(e.name, dtype::float32, std::array<std::uint64_t, 1>{e.size}, 1,
                                  "the file holds: " + held);
    floats_from_le(t.data, s.streaming.data() + e.offset);
    if (!options.allow_non_finite)
      require_finite(std::span<const float>(s.streaming.data() + e.offset, e.size), source, "tensor '" + e.name + "'",
                     "the saved streaming state had diverged");
  }

  // Optimizer state: Optimizer's slots, each a block of parameter_storage floats of the arena.
  const std::size_t storage = m.parameters().size(), slots = optimizer_state_slots(m);
  const bool compatible = p.optimizer && p.optimizer->name == Optimizer::name && p.optimizer->slots == slots;
  if (options.optimizer != load_options::optimizer_policy::ignore) {
    if (compatible) {
      for (std::size_t k = 0; k < slots; ++k)
        for (const auto& e : table) {
          const std::string name = "optimizer/" + std::to_string(k) + "/" + e.name;
          const tensor_record& t = take(name, dtype::float32, e.dims, e.rank, "the optimizer state is incomplete");
          float* out = s.optimizer_state.data() + k * storage + e.offset;
          floats_from_le(t.data, out);
          if (!options.allow_non_finite)
            require_finite(std::span<const float>(out, e.size), source, "tensor '" + name + "'",
                           "the saved optimizer state had diverged");
        }
      s.iterations = p.optimizer->iterations;
    } else if (options.optimizer == load_options::optimizer_policy::require) {
      throw io_error(reason::optimizer_mismatch, source, "optimizer state",
                     std::string(Optimizer::name) + " state with " + std::to_string(slots) + " slot(s)",
                     p.optimizer ? p.optimizer->name + " state with " + std::to_string(p.optimizer->slots) + " slot(s)"
                                 : std::string("none (saved with optimizer_state = false?)"));
    }
    s.set_optimizer = true;
    if (compatible && p.random) {
      if (p.random->algorithm != random_algorithm || p.random->words.size() != 4)
        throw io_error(reason::unsupported_version, source, "random generator state",
                       std::string(random_algorithm) + " (4 words)",
                       p.random->algorithm + " (" + std::to_string(p.random->words.size()) + " words)");
      std::copy(p.random->words.begin(), p.random->words.end(), s.random.begin());
      if ((s.random[0] | s.random[1] | s.random[2] | s.random[3]) == 0)
        throw io_error(reason::corrupt, source, "random generator state", "a state other than all zeros",
                       "all zeros (xoshiro256**'s fixed point)");
      s.set_random = true;
    }
  }
  for (const auto& t : p.tensors)
    if (t.name.starts_with("optimizer/") && p.optimizer) used[t.name] = true;  // state of another optimizer

  if (p.test) {
    constexpr std::size_t in_rank = model_type::input_shape::rank, out_rank = model_type::output_shape::rank;
    std::array<std::uint64_t, in_rank + 1> in_dims{p.test->count};
    std::array<std::uint64_t, out_rank + 1> out_dims{p.test->count};
    for (std::size_t d = 0; d < in_rank; ++d) in_dims[d + 1] = model_type::input_shape::dims[d];
    for (std::size_t d = 0; d < out_rank; ++d) out_dims[d + 1] = model_type::output_shape::dims[d];
    take("test_vector/input", dtype::float32, in_dims, in_rank + 1, "the file's test vector is incomplete");
    take("test_vector/output", dtype::float32, out_dims, out_rank + 1, "the file's test vector is incomplete");
  }

  for (const auto& t : p.tensors)
    if (!used.count(t.name))
      throw io_error(reason::unexpected_tensor, source, "tensor '" + t.name + "'", "only tensors of this network",
                     "a tensor this network does not have",
                     t.name.starts_with("test_vector/") ? "test vector tensors without a TVEC record"
                     : t.name.starts_with("optimizer/") ? "optimizer state without an OPTM record"
                                                        : "the file holds more layers or parameters than this network");

  // Last, as the most expensive check: the staged weights must reproduce the test vector.
  if (p.test && options.check_test_vector) {
    const tensor_record& x = *by_name.at("test_vector/input");
    const tensor_record& y = *by_name.at("test_vector/output");
    std::vector<float> inputs(x.count), outputs(y.count);
    floats_from_le(x.data, inputs.data());
    floats_from_le(y.data, outputs.data());
    check_test_vector(m, s, inputs, outputs, options.rtol.value_or(p.test->rtol), options.atol.value_or(p.test->atol),
                      source);
  }
  commit(m, s);
}

}  // namespace ctnn::detail
