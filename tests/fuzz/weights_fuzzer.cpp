// libFuzzer target over ctnn's weight loaders: ctnn::load_from_memory (the ctnn format) and the
// .npz reader behind ctnn::load_npz. Every input must either load or throw ctnn::io_error and
// leave the model exactly as it was; anything else (a crash, a sanitizer report, another
// exception, a half-changed model) is a finding.
//
// Random bytes rarely survive the ctnn format's size and CRC-32 checks, so each input is also
// tried "repaired": with the size field and checksum made right, so that the fuzzer reaches the
// record parser and the checks behind it.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include <ctnn/io/detail/byte_io.hpp>
#include <ctnn/io/detail/npz_reader.hpp>
#include <ctnn/io/io_error.hpp>
#include <ctnn/io/load_from_memory.hpp>

#include "fuzz_network.hpp"

namespace {

struct snapshot {
  std::vector<float> parameters, state;
  std::uint64_t iterations;
  ctnn_fuzz::network_layer<1> normalization;
  static snapshot of(ctnn_fuzz::model& m) {
    return {{m.parameters().begin(), m.parameters().end()},
            {m.optimizer_state().begin(), m.optimizer_state().end()},
            m.iterations(),
            m.layer<1>()};
  }
  bool same_as(ctnn_fuzz::model& m) const {
    return std::equal(parameters.begin(), parameters.end(), m.parameters().begin(), m.parameters().end()) &&
           std::equal(state.begin(), state.end(), m.optimizer_state().begin(), m.optimizer_state().end()) &&
           iterations == m.iterations() && normalization.moving_mean == m.layer<1>().moving_mean &&
           normalization.moving_variance == m.layer<1>().moving_variance;
  }
};

template <class Load>
void attempt(ctnn_fuzz::model& m, const snapshot& fresh, Load&& load) {
  try {
    load();
  } catch (const ctnn::io_error&) {
    if (!fresh.same_as(m)) {
      std::fprintf(stderr, "weights_fuzzer: a failed load changed the model\n");
      std::abort();
    }
    return;
  }
  // Loaded: put the model back for the next input.
  std::copy(fresh.parameters.begin(), fresh.parameters.end(), m.parameters().begin());
  std::copy(fresh.state.begin(), fresh.state.end(), m.optimizer_state().begin());
  m.set_iterations(fresh.iterations);
  m.layer<1>() = fresh.normalization;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static ctnn_fuzz::model m;
  static const snapshot fresh = snapshot::of(m);
  const auto bytes = std::as_bytes(std::span(data, size));

  attempt(m, fresh, [&] { ctnn::load_from_memory(m, bytes); });
  attempt(m, fresh, [&] { ctnn::detail::load_npz_bytes(m, bytes, "<fuzz>", {}); });

  if (size >= 36 && size < (std::size_t{1} << 24)) {
    std::vector<std::byte> repaired(bytes.begin(), bytes.end());
    for (int i = 0; i < 8; ++i) repaired[16 + static_cast<std::size_t>(i)] = static_cast<std::byte>(size >> (8 * i));
    const std::uint32_t crc = ctnn::detail::crc32_of(std::span(repaired).first(size - 4));
    for (int i = 0; i < 4; ++i) repaired[size - 4 + static_cast<std::size_t>(i)] = static_cast<std::byte>(crc >> (8 * i));
    attempt(m, fresh, [&] { ctnn::load_from_memory(m, repaired); });
  }
  return 0;
}
