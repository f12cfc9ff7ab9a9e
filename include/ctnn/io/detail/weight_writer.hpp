#pragma once
// Writing ctnn's weight format (docs/format.md).
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "../../core/model.hpp"
#include "../io_error.hpp"
#include "../network_fingerprint.hpp"
#include "../save_options.hpp"
#include "byte_io.hpp"
#include "staging.hpp"
#include "weight_format.hpp"

namespace ctnn::detail {

template <class Dims, class T>
void write_tensor(byte_writer& w, std::string_view name, const Dims& dims, std::size_t rank,
                  std::span<const T> values) {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>);
  w.text(tag_tensor);
  const std::size_t length_at = w.size();
  w.u64(0);
  const std::size_t start = w.size();
  w.u16(static_cast<std::uint16_t>(name.size()));
  w.text(name);
  w.u8(static_cast<std::uint8_t>(std::is_same_v<T, float> ? dtype::float32 : dtype::float64));
  w.u8(static_cast<std::uint8_t>(rank));
  for (std::size_t d = 0; d < rank; ++d) w.u64(dims[d]);
  if constexpr (std::is_same_v<T, float>) w.floats(values);
  else w.doubles(values);
  w.patch_u64(length_at, w.size() - start);
}

template <class Network, class Loss, class Optimizer>
byte_vector write_weights(const model<Network, Loss, Optimizer>& m, const save_options& options) {
  using model_type = model<Network, Loss, Optimizer>;
  constexpr std::size_t in_size = model_type::input_shape::size, out_size = model_type::output_shape::size;
  if (options.test) {
    const auto& t = *options.test;
    const std::size_t count = t.inputs.size() / in_size;
    if (t.inputs.empty() || t.inputs.size() % in_size != 0 || t.outputs.size() != count * out_size)
      throw io_error(io_error::reason::invalid_argument, "ctnn::save", "save_options::test",
                     "inputs of n x " + std::to_string(in_size) + " and outputs of n x " + std::to_string(out_size) +
                         " values, n >= 1",
                     std::to_string(t.inputs.size()) + " input and " + std::to_string(t.outputs.size()) +
                         " output values",
                     "ctnn::make_test_vector(model, inputs) makes a test vector that fits");
  }

  byte_writer w;
  constexpr std::string_view description = network_description<Network>;
  for (unsigned char c : weight_magic) w.u8(c);
  w.u32(weight_format_version);
  w.u32(0);  // flags
  const std::size_t size_at = w.size();
  w.u64(0);  // file size, patched below
  w.u64(network_fingerprint<Network>);
  w.u32(static_cast<std::uint32_t>(description.size()));
  w.text(description);

  const auto table = parameter_table<Network>();
  const auto params = m.parameters();
  for (const auto& e : table) write_tensor(w, e.name, e.dims, e.rank, params.subspan(e.offset, e.size));
  auto layers = copy_layers(m);
  for (const auto& st : state_table<Network>(layers))
    write_tensor(w, st.name, std::array<std::uint64_t, 1>{st.values.size()}, 1, std::span<const double>(st.values));
  const auto streaming = m.streaming_state();
  for (const auto& e : streaming_table<Network>())
    write_tensor(w, e.name, std::array<std::uint64_t, 1>{e.size}, 1, streaming.subspan(e.offset, e.size));

  if (options.optimizer_state) {
    const auto state = m.optimizer_state();
    const std::size_t storage = params.size(), slots = optimizer_state_slots(m);
    w.text(tag_optimizer);
    w.u64(2 + Optimizer::name.size() + 4 + 8);
    w.u16(static_cast<std::uint16_t>(Optimizer::name.size()));
    w.text(Optimizer::name);
    w.u32(static_cast<std::uint32_t>(slots));
    w.u64(m.iterations());
    for (std::size_t k = 0; k < slots; ++k)
      for (const auto& e : table)
        write_tensor(w, "optimizer/" + std::to_string(k) + "/" + e.name, e.dims, e.rank,
                     std::span<const float>(state.subspan(k * storage + e.offset, e.size)));
  }

  if constexpr (has_rng_state<model<Network, Loss, Optimizer>>) {
    if (options.optimizer_state) {
      const std::array<std::uint64_t, 4> words = m.rng_state();
      w.text(tag_random);
      w.u64(2 + random_algorithm.size() + 4 + 8 * words.size());
      w.u16(static_cast<std::uint16_t>(random_algorithm.size()));
      w.text(random_algorithm);
      w.u32(static_cast<std::uint32_t>(words.size()));
      for (std::uint64_t word : words) w.u64(word);
    }
  }

  if (options.test) {
    const auto& t = *options.test;
    const std::uint64_t count = t.inputs.size() / in_size;
    w.text(tag_test_vector);
    w.u64(8 + 8 + 8);
    w.u64(count);
    w.f64(t.rtol);
    w.f64(t.atol);
    std::array<std::uint64_t, model_type::input_shape::rank + 1> in_dims{count};
    std::array<std::uint64_t, model_type::output_shape::rank + 1> out_dims{count};
    for (std::size_t d = 0; d < model_type::input_shape::rank; ++d) in_dims[d + 1] = model_type::input_shape::dims[d];
    for (std::size_t d = 0; d < model_type::output_shape::rank; ++d) out_dims[d + 1] = model_type::output_shape::dims[d];
    write_tensor(w, "test_vector/input", in_dims, in_dims.size(), std::span<const float>(t.inputs));
    write_tensor(w, "test_vector/output", out_dims, out_dims.size(), std::span<const float>(t.outputs));
  }

  w.patch_u64(size_at, w.size() + 4);
  w.u32(crc32_of(w.view()));
  return std::move(w).take();
}

}  // namespace ctnn::detail
