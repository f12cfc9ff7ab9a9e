#pragma once
// Constants of ctnn's weight file format (docs/format.md) and the table of a network's
// parameter tensors under their Keras-style names ("dense_1/kernel"), shared by the ctnn and
// .npz readers and writers.
#include <array>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "../../core/layer_traits.hpp"
#include "../../core/detail/nested_layers.hpp"

namespace ctnn::detail {

inline constexpr std::array<unsigned char, 8> weight_magic{0x89, 'C', 'T', 'N', 'N', '\r', '\n', 0x1A};
inline constexpr std::uint32_t weight_format_version = 1;
// magic, version, flags, file size, fingerprint, description length.
inline constexpr std::size_t weight_header_size = 8 + 4 + 4 + 8 + 8 + 4;
inline constexpr std::size_t weight_max_rank = 8;

// Record tags, as they appear in the file.
inline constexpr std::string_view tag_tensor = "TNSR";
inline constexpr std::string_view tag_optimizer = "OPTM";
inline constexpr std::string_view tag_test_vector = "TVEC";
inline constexpr std::string_view tag_random = "RAND";
inline constexpr std::string_view random_algorithm = "xoshiro256**";

// The model's random generator (shuffling, dropout masks), when ctnn::model exposes it as
// rng_state() / set_rng_state(std::array<std::uint64_t, 4>): saved and restored so that a
// resumed fit shuffles as an uninterrupted one would.
template <class M>
concept has_rng_state = requires(M& m, const M& c, const std::array<std::uint64_t, 4>& s) {
  { c.rng_state() } -> std::convertible_to<std::array<std::uint64_t, 4>>;
  m.set_rng_state(s);
};

// The optimizer state slots a weight file holds for model m (docs/format.md, OPTM): its
// optimizer's state_slots(), slot k being block k of m.optimizer_state(), parameters().size()
// floats (optimizer law 1). None for a model without parameters, and none when the state no
// longer fits the optimizer (a hyperparameter that sizes it changed after the model was built;
// the model's next update rejects that state too).
template <class M>
std::size_t optimizer_state_slots(const M& m) {
  const std::size_t storage = m.parameters().size(), slots = m.optimizer().state_slots();
  return storage != 0 && m.optimizer_state().size() == slots * storage ? slots : 0;
}

// Element types a file may declare; ctnn reads float32 only, the others are named in errors.
enum class dtype : std::uint8_t { float32 = 1, float64 = 2, float16 = 3, bfloat16 = 4, int32 = 5, int64 = 6, uint8 = 7 };

inline std::string dtype_name(std::uint8_t code) {
  switch (static_cast<dtype>(code)) {
    case dtype::float32: return "float32";
    case dtype::float64: return "float64";
    case dtype::float16: return "float16";
    case dtype::bfloat16: return "bfloat16";
    case dtype::int32: return "int32";
    case dtype::int64: return "int64";
    case dtype::uint8: return "uint8";
  }
  return "unknown dtype code " + std::to_string(code);
}
inline std::size_t dtype_size(std::uint8_t code) {
  switch (static_cast<dtype>(code)) {
    case dtype::float32: case dtype::int32: return 4;
    case dtype::float64: case dtype::int64: return 8;
    case dtype::float16: case dtype::bfloat16: return 2;
    case dtype::uint8: return 1;
  }
  return 0;
}

template <class Dims>
std::string dims_text(const Dims& dims, std::size_t rank) {
  if (rank == 0) return "a scalar";
  std::string s;
  for (std::size_t d = 0; d < rank; ++d) s += (d ? "x" : "") + std::to_string(dims[d]);
  return s;
}

// One trainable tensor of a network: its name and shape, and where it lives in the model's
// parameter arena (and, per slot, in the optimizer's state arena).
struct tensor_entry {
  std::string name;
  std::array<std::uint64_t, 4> dims{};
  std::size_t rank = 0;
  std::size_t size = 0;
  std::size_t offset = 0;  // from the start of the arena
};

// The names of the network's top-level layers.
template <class Network>
std::vector<std::string> layer_names() {
  std::vector<std::string> names;
  for_each_named_layer(static_cast<typename Network::layer_types*>(nullptr), Network::parameter_offsets,
                                [&](auto*, std::string name, std::size_t, std::size_t depth) {
                                  if (depth == 0) names.push_back(std::move(name));
                                });
  return names;
}

// Every parameter tensor under "<layer name>/<tensor name>" (a block's own entries are its
// layers', listed under their names).
template <class Network>
std::vector<tensor_entry> parameter_table() {
  std::vector<tensor_entry> table;
  for_each_named_layer(static_cast<typename Network::layer_types*>(nullptr), Network::parameter_offsets,
                                [&](auto* l, const std::string& name, std::size_t offset, std::size_t) {
    using L = std::remove_cvref_t<decltype(*l)>;
    if constexpr (!layer_traits<L>::is_block) {
      for (const auto& p : L::parameters) {
        tensor_entry e;
        e.name = name + "/" + std::string(p.name);
        for (std::size_t d = 0; d < p.rank; ++d) e.dims[d] = p.dims[d];
        e.rank = p.rank;
        e.size = p.size;
        e.offset = offset + p.offset;
        table.push_back(std::move(e));
      }
    }
  });
  return table;
}

struct named_state {
  std::string name;
  std::span<double> values;
};
// Every layer's state under "<layer name>/<state name>", viewing the given layer objects.
template <class Network>
std::vector<named_state> state_table(typename Network::layer_types& layers) {
  std::vector<named_state> table;
  for_each_named_layer(&layers, Network::parameter_offsets, [&](auto* l, const std::string& name, std::size_t, std::size_t) {
    using L = std::remove_cvref_t<decltype(*l)>;
    if constexpr (!layer_traits<L>::is_block)
      for (const state_tensor& s : layer_traits<L>::state_tensors(*l)) table.push_back({name + "/" + std::string(s.name), s.values});
  });
  return table;
}

// Every streaming layer's state (model::step's, layer_traits<L>::streaming_state_size floats)
// under "<layer name>/streaming_state", where it lies in model::streaming_state().
struct streaming_entry {
  std::string name;
  std::size_t offset = 0, size = 0;
};
template <class Network>
std::vector<streaming_entry> streaming_table() {
  std::vector<streaming_entry> table;
  const auto names = layer_names<Network>();
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    ([&] {
      constexpr std::size_t size = layer_traits<std::tuple_element_t<I, typename Network::layer_types>>::streaming_state_size;
      if (size > 0) table.push_back({names[I] + "/streaming_state", Network::layout::streaming_state_offsets[I], size});
    }(), ...);
  }(std::make_index_sequence<Network::layer_count>{});
  return table;
}

// "layer 2: dense(in=512,...)" for the first layer where two descriptions differ, or where one
// ends; empty when they are equal.
inline std::pair<std::string, std::string> first_difference(std::string_view expected, std::string_view found) {
  auto split = [](std::string_view s) {
    std::vector<std::string_view> parts;
    while (true) {
      const auto at = s.find(';');
      parts.push_back(s.substr(0, at));
      if (at == std::string_view::npos) break;
      s.remove_prefix(at + 1);
    }
    return parts;
  };
  const auto e = split(expected), f = split(found);
  for (std::size_t i = 0; i < std::max(e.size(), f.size()); ++i) {
    const std::string_view a = i < e.size() ? e[i] : "(no such layer)";
    const std::string_view b = i < f.size() ? f[i] : "(no such layer)";
    if (a == b) continue;
    // Parts 0 and 1 are the format tag and the input; layers count from 0 after them.
    const std::string where = i == 0 ? "format " : i == 1 ? "" : "layer " + std::to_string(i - 2) + " = ";
    return {where + std::string(a), where + std::string(b)};
  }
  return {};
}

inline std::string value_text(double v) {
  if (std::isnan(v)) return "nan";
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", v);
  return text;
}

}  // namespace ctnn::detail
