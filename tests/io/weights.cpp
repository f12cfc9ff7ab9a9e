// Tests of ctnn's weight format: ctnn::save / load, save_to_memory / load_from_memory, the
// network description and fingerprint, test vectors, optimizer state, and every kind of bad
// file -- each must give a ctnn::io_error that says what is wrong and leave the model as it was.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctnn/ctnn.hpp>
#include <ctnn/io/detail/byte_io.hpp>
#include <ctnn/io/io_error.hpp>
#include <ctnn/io/load.hpp>
#include <ctnn/io/load_npy.hpp>
#include <ctnn/io/load_npz.hpp>
#include <ctnn/io/load_from_memory.hpp>
#include <ctnn/io/make_test_vector.hpp>
#include <ctnn/io/network_description.hpp>
#include <ctnn/io/network_fingerprint.hpp>
#include <ctnn/io/save.hpp>
#include <ctnn/io/save_to_memory.hpp>

#include "fuzz/fuzz_network.hpp"
#include "support/fifo.hpp"
#include "support/temp_dir.hpp"
#include "support/toy_data.hpp"

namespace {

using ctnn_test::toy_data;

namespace fs = std::filesystem;
using Catch::Contains;
using reason = ctnn::io_error::reason;
using bytes = std::vector<std::byte>;

using toy = ctnn::sequential<ctnn::input<8>,
                             ctnn::dense<16, ctnn::relu>,
                             ctnn::dropout<ctnn::dropout_rate{0.25}>,
                             ctnn::dense<3, ctnn::softmax>>;
using wider = ctnn::sequential<ctnn::input<8>,
                               ctnn::dense<17, ctnn::relu>,
                               ctnn::dropout<ctnn::dropout_rate{0.25}>,
                               ctnn::dense<3, ctnn::softmax>>;
using leaky = ctnn::sequential<ctnn::input<8>,
                               ctnn::dense<16, ctnn::leaky_relu>,
                               ctnn::dropout<ctnn::dropout_rate{0.25}>,
                               ctnn::dense<3, ctnn::softmax>>;
using toy_model = ctnn::model<toy, ctnn::loss::categorical_crossentropy, ctnn::optim::adam>;

// Everything a load may change.
template <class M>
struct snapshot {
  std::vector<float> parameters, state;
  std::uint64_t iterations;
  explicit snapshot(const M& m)
      : parameters(m.parameters().begin(), m.parameters().end()),
        state(m.optimizer_state().begin(), m.optimizer_state().end()),
        iterations(m.iterations()) {}
  bool operator==(const snapshot&) const = default;
};

// Loads and expects an io_error of the given reason whose message contains each of `parts`;
// the model must be unchanged afterwards.
template <class M>
std::string refused(M& m, const bytes& file, reason why, std::initializer_list<std::string> parts = {},
                    const ctnn::load_options& options = {}) {
  const snapshot<M> before(m);
  std::string message;
  try {
    ctnn::load_from_memory(m, file, options);
    FAIL("the load succeeded");
  } catch (const ctnn::io_error& e) {
    message = e.what();
    INFO(message);
    CHECK(e.why() == why);
    for (const auto& part : parts) CHECK_THAT(message, Contains(part));
  }
  CHECK(snapshot<M>(m) == before);
  return message;
}

// A weight file built by hand, for what ctnn::save never writes.
class file_builder {
 public:
  template <class Network>
  static file_builder for_network() {
    return file_builder(ctnn::network_description<Network>);
  }
  explicit file_builder(std::string_view description) : description_(description) {}

  file_builder& tensor(const std::string& name, std::vector<std::uint64_t> dims, std::vector<float> values,
                       std::uint8_t dtype = 1) {
    ctnn::detail::byte_writer p;
    p.u16(static_cast<std::uint16_t>(name.size()));
    p.text(name);
    p.u8(dtype);
    p.u8(static_cast<std::uint8_t>(dims.size()));
    for (auto d : dims) p.u64(d);
    if (dtype == 2) {
      for (float v : values) p.f64(v);
    } else {
      p.floats(values);
    }
    return record("TNSR", p.view());
  }
  file_builder& record(std::string_view tag, std::span<const std::byte> payload) {
    body_.text(tag);
    body_.u64(payload.size());
    body_.bytes(payload);
    return *this;
  }
  bytes build(std::uint32_t version = 1) const {
    ctnn::detail::byte_writer w;
    for (unsigned char c : ctnn::detail::weight_magic) w.u8(c);
    w.u32(version);
    w.u32(0);
    w.u64(36 + description_.size() + body_.size() + 4);
    w.u64(ctnn::detail::fnv1a_64(description_));
    w.u32(static_cast<std::uint32_t>(description_.size()));
    w.text(description_);
    w.bytes(body_.view());
    w.u32(ctnn::detail::crc32_of(w.view()));
    return std::move(w).take();
  }

 private:
  std::string description_;
  ctnn::detail::byte_writer body_;
};

// A model's parameter tensors, into a builder.
template <class M>
file_builder& add_parameters(file_builder& b, M& m) {
  for (const auto& e : ctnn::detail::parameter_table<typename M::network>())
    b.tensor(e.name, {e.dims.begin(), e.dims.begin() + static_cast<std::ptrdiff_t>(e.rank)},
             {m.parameters().begin() + static_cast<std::ptrdiff_t>(e.offset),
              m.parameters().begin() + static_cast<std::ptrdiff_t>(e.offset + e.size)});
  return b;
}

void refresh_checksum(bytes& file) {
  const std::uint32_t crc = ctnn::detail::crc32_of(std::span(file).first(file.size() - 4));
  for (int i = 0; i < 4; ++i) file[file.size() - 4 + static_cast<std::size_t>(i)] = static_cast<std::byte>(crc >> (8 * i));
}

using ctnn_test::temp_dir;

}  // namespace

TEST_CASE("network_description names kinds, shapes, activations, windows and parameter layout", "[io][fingerprint]") {
  using mlp = ctnn::sequential<ctnn::input<784>, ctnn::dense<512, ctnn::relu>, ctnn::dense<10, ctnn::softmax>>;
  using cnn = ctnn::sequential<ctnn::input<28, 28, 1>, ctnn::conv2d<32, ctnn::kernel<3, 3>, ctnn::relu>,
                               ctnn::max_pool2d<ctnn::pool<2, 2>>, ctnn::flatten, ctnn::dense<64, ctnn::relu>,
                               ctnn::dense<10, ctnn::softmax>>;
  // The same strings and hashes tools/export_pytorch.py computes (tests/io/parity checks the two
  // agree for these networks).
  STATIC_REQUIRE(ctnn::network_description<mlp> ==
                 "ctnn/1;input=784;dense(in=784,out=512,activation=relu,kernel=784x512,bias=512);"
                 "dense(in=512,out=10,activation=softmax,kernel=512x10,bias=10)");
  STATIC_REQUIRE(ctnn::network_fingerprint<mlp> == 0xDEA4CE7FE57FE860ull);
  STATIC_REQUIRE(ctnn::network_description<cnn> ==
                 "ctnn/1;input=28x28x1;conv2d(in=28x28x1,out=26x26x32,activation=relu,window=3x3,strides=1x1,"
                 "padding=valid,kernel=3x3x1x32,bias=32);max_pooling2d(in=26x26x32,out=13x13x32,window=2x2,"
                 "strides=2x2,padding=valid);flatten(in=13x13x32,out=5408);dense(in=5408,out=64,activation=relu,"
                 "kernel=5408x64,bias=64);dense(in=64,out=10,activation=softmax,kernel=64x10,bias=10)");
  STATIC_REQUIRE(ctnn::network_fingerprint<cnn> == 0x8E0CA89A7028394Cull);
  STATIC_REQUIRE(ctnn::network_description<toy> ==
                 "ctnn/1;input=8;dense(in=8,out=16,activation=relu,kernel=8x16,bias=16);"
                 "dropout(in=16,out=16,rate=250000);dense(in=16,out=3,activation=softmax,kernel=16x3,bias=3)");

  // Whatever changes the computation or the layout changes the fingerprint.
  using base = ctnn::sequential<ctnn::input<8, 8, 2>, ctnn::conv2d<4, ctnn::kernel<3, 3>, ctnn::relu>, ctnn::flatten>;
  constexpr std::array fingerprints{
      ctnn::network_fingerprint<base>,
      ctnn::network_fingerprint<ctnn::sequential<ctnn::input<8, 8, 2>, ctnn::conv2d<4, ctnn::kernel<3, 3>, ctnn::tanh>, ctnn::flatten>>,
      ctnn::network_fingerprint<ctnn::sequential<ctnn::input<8, 8, 2>, ctnn::conv2d<4, ctnn::kernel<3, 3>, ctnn::relu, ctnn::padding::same>, ctnn::flatten>>,
      ctnn::network_fingerprint<ctnn::sequential<ctnn::input<8, 8, 2>, ctnn::conv2d<4, ctnn::kernel<3, 3>, ctnn::relu, ctnn::strides<2, 2>>, ctnn::flatten>>,
      ctnn::network_fingerprint<ctnn::sequential<ctnn::input<8, 8, 2>, ctnn::conv2d<4, ctnn::kernel<3, 3>, ctnn::relu, ctnn::use_bias<false>>, ctnn::flatten>>,
      ctnn::network_fingerprint<ctnn::sequential<ctnn::input<8, 8, 2>, ctnn::conv2d<4, ctnn::kernel<3, 3>>, ctnn::relu, ctnn::flatten>>,
      ctnn::network_fingerprint<ctnn::sequential<ctnn::input<8, 8, 2>, ctnn::max_pool2d<ctnn::pool<2, 2>>, ctnn::flatten>>,
      ctnn::network_fingerprint<ctnn::sequential<ctnn::input<8, 8, 2>, ctnn::average_pool2d<ctnn::pool<2, 2>>, ctnn::flatten>>,
      ctnn::network_fingerprint<ctnn::sequential<ctnn::input<8, 8, 2>, ctnn::max_pool2d<ctnn::pool<3, 3>, ctnn::strides<2, 2>, ctnn::padding::same>, ctnn::flatten>>,
      ctnn::network_fingerprint<ctnn::sequential<ctnn::input<8, 8, 2>, ctnn::max_pool2d<ctnn::pool<3, 3>, ctnn::strides<2, 2>>, ctnn::flatten>>,
      ctnn::network_fingerprint<toy>,
      ctnn::network_fingerprint<ctnn::sequential<ctnn::input<8>, ctnn::dense<16, ctnn::relu>, ctnn::dropout<ctnn::dropout_rate{0.5}>, ctnn::dense<3, ctnn::softmax>>>,
      ctnn::network_fingerprint<wider>,
      ctnn::network_fingerprint<leaky>,
  };
  for (std::size_t i = 0; i < fingerprints.size(); ++i)
    for (std::size_t j = i + 1; j < fingerprints.size(); ++j) {
      INFO(i << " vs " << j);
      CHECK(fingerprints[i] != fingerprints[j]);
    }
}

TEST_CASE("save and load: parameters, optimizer state, iterations, layer state", "[io]") {
  toy_model a({.learning_rate = 1e-2f});
  auto [x, y] = toy_data(64, 1);
  a.fit(x, y, {.epochs = 2, .batch_size = 16, .verbose = 0});
  REQUIRE(a.iterations() == 8);

  temp_dir dir;
  ctnn::save(a, dir / "toy.ctnn");
  CHECK(fs::exists(dir / "toy.ctnn"));
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);  // no temporary left
  toy_model b({.learning_rate = 1e-2f}, {}, {.seed = 99});
  REQUIRE(snapshot<toy_model>(b) != snapshot<toy_model>(a));
  ctnn::load(b, dir / "toy.ctnn");
  CHECK(snapshot<toy_model>(b) == snapshot<toy_model>(a));

  // The file is what save_to_memory gives, and load_from_memory reads it the same way.
  const auto file = ctnn::detail::read_whole_file(dir / "toy.ctnn");
  CHECK(file == ctnn::save_to_memory(a));
  toy_model c({}, {}, {.seed = 5});
  ctnn::load_from_memory(c, file);
  CHECK(snapshot<toy_model>(c) == snapshot<toy_model>(a));

  // Without optimizer state the file is smaller, and loading it resets the state.
  const auto weights_only = ctnn::save_to_memory(a, {.optimizer_state = false});
  CHECK(weights_only.size() < file.size() / 2);
  ctnn::load_from_memory(c, weights_only);
  CHECK(std::equal(c.parameters().begin(), c.parameters().end(), a.parameters().begin()));
  CHECK(c.iterations() == 0);
  CHECK(std::all_of(c.optimizer_state().begin(), c.optimizer_state().end(), [](float v) { return v == 0; }));
}

TEST_CASE("save and load: batch normalization's moving statistics travel with the weights", "[io]") {
  ctnn_fuzz::model a({}, {}, {.seed = 3});
  ctnn::samples<4> x(16);
  ctnn::samples<2> y(16);
  for (std::size_t i = 0; i < 16; ++i) {
    for (std::size_t j = 0; j < 4; ++j) x[i][j] = static_cast<float>((i + 3 * j) % 7) / 3.0f;
    y[i][i % 2] = 1;
  }
  a.fit(x, y, {.epochs = 3, .batch_size = 8, .verbose = 0});
  const auto& trained_mean = a.layer<1>().moving_mean;
  REQUIRE(std::any_of(trained_mean.begin(), trained_mean.end(), [](double v) { return v != 0.0; }));
  ctnn_fuzz::model b({}, {}, {.seed = 4});
  ctnn::load_from_memory(b, ctnn::save_to_memory(a));
  CHECK(b.layer<1>().moving_mean == a.layer<1>().moving_mean);
  CHECK(b.layer<1>().moving_variance == a.layer<1>().moving_variance);
  const auto pa = a.predict(x), pb = b.predict(x);
  CHECK(std::equal(pa.values().begin(), pa.values().end(), pb.values().begin()));
}

TEST_CASE("resume: fit 2 epochs == fit 1, save, load into a fresh model, fit 1 more", "[io][resume]") {
  const auto data = toy_data(96, 2);  // not a structured binding: clang 14 cannot capture one
  const auto& x = data.first;
  const auto& y = data.second;
  const ctnn::optim::adam adam{.learning_rate = 1e-2f};
  auto run = [&](bool shuffle) {
    const ctnn::fit_options one{.epochs = 1, .batch_size = 16, .shuffle = shuffle, .verbose = 0};
    toy_model straight(adam);
    straight.fit(x, y, {.epochs = 2, .batch_size = 16, .shuffle = shuffle, .verbose = 0});

    toy_model first(adam);
    first.fit(x, y, one);
    const auto checkpoint = ctnn::save_to_memory(first);

    // A fresh model of another seed: weights, optimizer state, iteration count and the random
    // generator (shuffling, dropout masks) all come from the file.
    toy_model resumed(adam, {}, {.seed = 1234});
    ctnn::load_from_memory(resumed, checkpoint);
    CHECK(resumed.iterations() == first.iterations());
    CHECK(resumed.rng_state() == first.rng_state());
    resumed.fit(x, y, one);
    CHECK(snapshot<toy_model>(resumed) == snapshot<toy_model>(straight));
  };
  SECTION("without shuffling") { run(false); }
  SECTION("with shuffling and dropout") { run(true); }
}

TEST_CASE("load: every truncation of a weight file is refused", "[io][bad]") {
  toy_model a, m({}, {}, {.seed = 9});
  auto [x, y] = toy_data(4, 3);
  const auto file = ctnn::save_to_memory(a, {.test = ctnn::make_test_vector(a, x)});
  refused(m, {}, reason::truncated, {"empty"});
  for (std::size_t n = 1; n < file.size(); ++n) {
    const bytes cut(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(n));
    const snapshot<toy_model> before(m);
    try {
      ctnn::load_from_memory(m, cut);
      FAIL("a file of " << n << " of " << file.size() << " bytes loaded");
    } catch (const ctnn::io_error& e) {
      if (n >= 8) CHECK(e.why() == reason::truncated);
    }
    CHECK(snapshot<toy_model>(m) == before);
  }
  refused(m, bytes(file.begin(), file.end() - 1), reason::truncated,
          {"<memory>: file size: expected " + std::to_string(file.size()) + " bytes (as the header says), found " +
           std::to_string(file.size() - 1) + "; the file is truncated"});
  bytes longer = file;
  longer.push_back(std::byte{0});
  refused(m, longer, reason::corrupt, {"data follows the end"});
}

TEST_CASE("load: every byte of a small weight file flipped in turn is refused", "[io][bad]") {
  toy_model a, m({}, {}, {.seed = 9});
  auto [x, y] = toy_data(2, 3);
  const auto file = ctnn::save_to_memory(a, {.test = ctnn::make_test_vector(a, x)});
  std::size_t checksum_errors = 0;
  for (std::size_t i = 0; i < file.size(); ++i) {
    bytes flipped = file;
    flipped[i] = ~flipped[i];
    const snapshot<toy_model> before(m);
    try {
      ctnn::load_from_memory(m, flipped);
      FAIL("flipping byte " << i << " went unnoticed");
    } catch (const ctnn::io_error& e) {
      checksum_errors += e.why() == reason::bad_checksum;
    }
    CHECK(snapshot<toy_model>(m) == before);
  }
  // Past the header's first fields, the checksum is what notices.
  CHECK(checksum_errors > file.size() * 9 / 10);
  bytes flipped = file;
  flipped[file.size() / 2] ^= std::byte{0x01};
  refused(m, flipped, reason::bad_checksum,
          {"checksum (CRC-32 of the first", "(stored in the file), found 0x", "(computed)",
           "changed or damaged after it was written"});
}

TEST_CASE("load: wrong magic, newer version, unknown flags", "[io][bad]") {
  toy_model a, m({}, {}, {.seed = 9});
  const auto file = ctnn::save_to_memory(a);
  bytes other = file;
  other[1] = std::byte{'X'};
  refused(m, other, reason::bad_magic,
          {"magic number: expected 89 43 54 4E 4E 0D 0A 1A ('.CTNN...'), found 89 58", "not a ctnn weight file"});
  refused(m, bytes{std::byte{'P'}, std::byte{'K'}, std::byte{3}, std::byte{4}, std::byte{0}}, reason::bad_magic,
          {"use ctnn::load_npz"});
  refused(m, bytes{std::byte{0x93}, std::byte{'N'}, std::byte{'U'}, std::byte{'M'}, std::byte{'P'}, std::byte{'Y'}},
          reason::bad_magic, {"use ctnn::load_npy"});

  bytes newer = file;
  newer[8] = std::byte{2};
  refresh_checksum(newer);
  refused(m, newer, reason::unsupported_version,
          {"format version: expected at most 1, found 2", "written by a newer ctnn"});
  bytes flagged = file;
  flagged[12] = std::byte{1};
  refresh_checksum(flagged);
  refused(m, flagged, reason::unsupported_version, {"flags"});
}

TEST_CASE("load: absurd sizes are refused without allocating them", "[io][bad]") {
  toy_model m({}, {}, {.seed = 9});
  // 2^40 values claimed by a tensor of the network and by one it does not have; checksum and
  // file size are right, so only the record's own length can expose them.
  for (const std::string name : {"dense/kernel", "huge"}) {
    auto b = file_builder::for_network<toy>();
    b.tensor(name, {std::uint64_t{1} << 20, std::uint64_t{1} << 20}, {1, 2, 3});
    refused(m, b.build(), reason::corrupt,
            {"tensor '" + name + "': values: expected 4398046511104 bytes for float32 1048576x1048576, found 12"});
  }
  auto b = file_builder::for_network<toy>();
  b.tensor("dense/kernel", {~std::uint64_t{0}, 3}, {});
  refused(m, b.build(), reason::corrupt, {"a shape of fewer than 2^61 values", "is absurd"});
  // A record claiming more bytes than the file has.
  auto r = file_builder::for_network<toy>();
  const std::array<std::byte, 2> payload{};
  r.record("TNSR", payload);
  auto file = r.build();
  for (int i = 0; i < 8; ++i) file[file.size() - 4 - 2 - 8 + static_cast<std::size_t>(i)] = std::byte{0x7F};
  refresh_checksum(file);
  refused(m, file, reason::corrupt, {"length: expected at most"});
}

TEST_CASE("load: a weight file for another network is refused, saying where they differ", "[io][bad]") {
  ctnn::model<wider, ctnn::loss::categorical_crossentropy, ctnn::optim::adam> other;
  toy_model m({}, {}, {.seed = 9});
  const auto file = ctnn::save_to_memory(other);
  const auto message = refused(
      m, file, reason::network_mismatch,
      {"<memory>: network: expected layer 0 = dense(in=8,out=16,activation=relu,kernel=8x16,bias=16), "
       "found layer 0 = dense(in=8,out=17,activation=relu,kernel=8x17,bias=17)",
       "saved from another network type"});
  // Matching by name and shape only: the first tensor of another shape is named.
  refused(m, file, reason::shape_mismatch, {"tensor 'dense/kernel': shape: expected 8x16, found 8x17"},
          {.require_same_network = false});
  // Same layers, other activation: by name and shape it loads.
  ctnn::model<leaky, ctnn::loss::categorical_crossentropy, ctnn::optim::adam> relu_weights_in_leaky;
  CHECK_THROWS_AS(ctnn::load_from_memory(relu_weights_in_leaky, ctnn::save_to_memory(m)), ctnn::io_error);
  ctnn::load_from_memory(relu_weights_in_leaky, ctnn::save_to_memory(m), {.require_same_network = false});
  CHECK(std::equal(m.parameters().begin(), m.parameters().end(), relu_weights_in_leaky.parameters().begin()));
}

TEST_CASE("load: a streaming layer's state is read when the file has it, and is a fresh stream when not", "[io][streaming]") {
  using stream = ctnn::sequential<ctnn::input<4, 2>, ctnn::lstm<3, ctnn::return_sequences<true>>, ctnn::dense<1>>;
  using model_type = ctnn::model<stream, ctnn::loss::mean_squared_error, ctnn::optim::sgd>;
  model_type source, m({}, {}, {.seed = 9});
  const float x[2] = {0.5f, -1.0f};
  (void)source.step(std::span<const float, 2>(x, 2));
  (void)m.step(std::span<const float, 2>(x, 2));
  const auto nonzero = [](const model_type& mm) {
    return std::any_of(mm.streaming_state().begin(), mm.streaming_state().end(), [](float v) { return v != 0; });
  };
  REQUIRE(nonzero(source));
  REQUIRE(nonzero(m));
  {  // parameters only, as another framework's export: the stream starts over
    auto b = file_builder::for_network<stream>();
    add_parameters(b, source);
    ctnn::load_from_memory(m, b.build());
    CHECK(std::equal(m.parameters().begin(), m.parameters().end(), source.parameters().begin()));
    CHECK_FALSE(nonzero(m));
  }
  {  // with it: the saved stream's state
    auto b = file_builder::for_network<stream>();
    add_parameters(b, source);
    const auto state = source.streaming_state();
    b.tensor("lstm/streaming_state", {6}, std::vector<float>(state.begin(), state.begin() + 6));
    ctnn::load_from_memory(m, b.build());
    CHECK(std::equal(state.begin(), state.end(), m.streaming_state().begin()));
  }
}

TEST_CASE("load: wrong dtype, missing and unexpected tensors, NaN weights", "[io][bad]") {
  toy_model source, m({}, {}, {.seed = 9});
  const auto table = ctnn::detail::parameter_table<toy>();
  auto params = [&](std::size_t i) {
    return std::vector<float>(source.parameters().begin() + static_cast<std::ptrdiff_t>(table[i].offset),
                              source.parameters().begin() + static_cast<std::ptrdiff_t>(table[i].offset + table[i].size));
  };
  {
    auto b = file_builder::for_network<toy>();
    add_parameters(b, source);
    CHECK_NOTHROW(ctnn::load_from_memory(m, b.build()));
    CHECK(std::equal(m.parameters().begin(), m.parameters().end(), source.parameters().begin()));
  }
  toy_model fresh({}, {}, {.seed = 9});
  {
    file_builder b = file_builder::for_network<toy>();
    b.tensor("dense/kernel", {8, 16}, params(0), 2);
    refused(fresh, b.build(), reason::dtype_mismatch, {"tensor 'dense/kernel': dtype: expected float32, found float64"});
  }
  {
    file_builder b = file_builder::for_network<toy>();
    b.tensor("dense/kernel", {8, 16}, params(0)).tensor("dense/bias", {16}, params(1));
    b.tensor("dense_1/kernel", {16, 3}, params(2));
    refused(fresh, b.build(), reason::missing_tensor,
            {"tensor 'dense_1/bias': expected float32 3, found no such tensor in the file",
             "the file holds: dense/kernel, dense/bias, dense_1/kernel"});
  }
  {
    auto b = file_builder::for_network<toy>();
    add_parameters(b, source);
    b.tensor("dense_2/kernel", {3, 3}, std::vector<float>(9));
    refused(fresh, b.build(), reason::unexpected_tensor, {"tensor 'dense_2/kernel'", "more layers or parameters"});
  }
  {
    auto b = file_builder::for_network<toy>();
    add_parameters(b, source);
    b.tensor("dense/kernel", {8, 16}, params(0));
    refused(fresh, b.build(), reason::corrupt, {"tensor 'dense/kernel'", "a second record of that name"});
  }
  {
    auto b = file_builder::for_network<toy>();
    b.tensor("dense/kernel", {16, 8}, params(0));
    refused(fresh, b.build(), reason::shape_mismatch, {"tensor 'dense/kernel': shape: expected 8x16, found 16x8"});
  }
  toy_model nan_model;
  nan_model.parameter<2, 0>()[5] = std::numeric_limits<float>::quiet_NaN();
  const auto nan_file = ctnn::save_to_memory(nan_model);
  refused(fresh, nan_file, reason::non_finite,
          {"tensor 'dense_1/kernel', value 5: expected a finite number, found nan", "diverged"});
  ctnn::load_from_memory(fresh, nan_file, {.allow_non_finite = true});
  CHECK(std::isnan(fresh.parameter<2, 0>()[5]));
}

TEST_CASE("load: a random generator record is read and checked", "[io][resume]") {
  toy_model source, m({}, {}, {.seed = 9});
  auto with_random = [&](std::string_view algorithm, std::uint32_t words, std::uint32_t written, bool zeros = false) {
    auto b = file_builder::for_network<toy>();
    add_parameters(b, source);
    ctnn::detail::byte_writer optimizer;
    optimizer.u16(4);
    optimizer.text("adam");
    optimizer.u32(2);
    optimizer.u64(0);
    b.record("OPTM", optimizer.view());
    for (std::size_t k = 0; k < 2; ++k)
      for (const auto& e : ctnn::detail::parameter_table<toy>())
        b.tensor("optimizer/" + std::to_string(k) + "/" + e.name,
                 {e.dims.begin(), e.dims.begin() + static_cast<std::ptrdiff_t>(e.rank)}, std::vector<float>(e.size));
    ctnn::detail::byte_writer random;
    random.u16(static_cast<std::uint16_t>(algorithm.size()));
    random.text(algorithm);
    random.u32(words);
    for (std::uint32_t i = 0; i < written; ++i) random.u64(zeros ? 0 : i + 1);
    b.record("RAND", random.view());
    return b.build();
  };
  // Restored where ctnn::model exposes its generator (rng_state / set_rng_state), else ignored.
  CHECK_NOTHROW(ctnn::load_from_memory(m, with_random("xoshiro256**", 4, 4)));
  CHECK(m.rng_state() == std::array<std::uint64_t, 4>{1, 2, 3, 4});
  toy_model fresh({}, {}, {.seed = 9});
  refused(fresh, with_random("mt19937", 4, 4), reason::unsupported_version,
          {"random generator state: expected xoshiro256** (4 words), found mt19937 (4 words)"});
  refused(fresh, with_random("xoshiro256**", 1000, 4), reason::corrupt, {"word count: expected at most 4, found 1000"});
  refused(fresh, with_random("xoshiro256**", 4, 4, true), reason::corrupt,
          {"random generator state: expected a state other than all zeros, found all zeros"});
}

TEST_CASE("load: a test vector is checked, and a model that does not reproduce it is refused", "[io][test_vector]") {
  ctnn::model<leaky, ctnn::loss::categorical_crossentropy, ctnn::optim::adam> a;
  a.layer<0>().activation.alpha = 0.01f;
  auto [x, y] = toy_data(6, 4);
  const auto tv = ctnn::make_test_vector(a, x);
  const auto file = ctnn::save_to_memory(a, {.test = tv});

  // The same run-time hyperparameters: it loads.
  ctnn::model<leaky, ctnn::loss::categorical_crossentropy, ctnn::optim::adam> b({}, {}, {.seed = 8});
  b.layer<0>().activation.alpha = 0.01f;
  ctnn::load_from_memory(b, file);
  CHECK(std::equal(a.parameters().begin(), a.parameters().end(), b.parameters().begin()));

  // leaky_relu's alpha left at its default (0.3): the outputs differ, the load is refused.
  ctnn::model<leaky, ctnn::loss::categorical_crossentropy, ctnn::optim::adam> c({}, {}, {.seed = 8});
  refused(c, file, reason::test_vector_mismatch,
          {"test vector, sample ", " +- ", "(difference ", "largest difference", "leaky_relu/elu alpha"});
  ctnn::load_from_memory(c, file, {.check_test_vector = false});
  // A tolerance wide enough lets it through too.
  ctnn::model<leaky, ctnn::loss::categorical_crossentropy, ctnn::optim::adam> d({}, {}, {.seed = 8});
  ctnn::load_from_memory(d, file, {.rtol = 10.0, .atol = 1.0});

  // NaN in a test vector is an error of its own, not a failed comparison.
  auto nan_input = tv;
  nan_input.inputs[3] = std::numeric_limits<float>::quiet_NaN();
  refused(b, ctnn::save_to_memory(a, {.test = nan_input}), reason::non_finite,
          {"test vector input, value 3: expected a finite number, found nan"});
  auto nan_output = tv;
  nan_output.outputs[7] = std::numeric_limits<float>::quiet_NaN();
  refused(b, ctnn::save_to_memory(a, {.test = nan_output}), reason::non_finite,
          {"test vector expected output, value 7: expected a finite number, found nan"});

  // A test vector that does not fit the network is refused when saving.
  auto wrong = tv;
  wrong.inputs.pop_back();
  CHECK_THROWS_WITH(ctnn::save_to_memory(a, {.test = wrong}),
                    Contains("save_options::test: expected inputs of n x 8 and outputs of n x 3 values"));
}

TEST_CASE("load: optimizer state of another optimizer is reset, or refused when required", "[io][optimizer]") {
  toy_model adam_model({.learning_rate = 1e-2f});
  auto [x, y] = toy_data(32, 5);
  adam_model.fit(x, y, {.epochs = 1, .batch_size = 8, .verbose = 0});
  const auto file = ctnn::save_to_memory(adam_model);

  ctnn::model<toy, ctnn::loss::categorical_crossentropy, ctnn::optim::sgd> sgd_model({.momentum = 0.9f});
  sgd_model.fit(x, y, {.epochs = 1, .batch_size = 8, .verbose = 0});
  REQUIRE(sgd_model.iterations() == 4);
  refused(sgd_model, file, reason::optimizer_mismatch,
          {"optimizer state: expected sgd state with 1 slot(s), found adam state with 2 slot(s)"},
          {.optimizer = ctnn::load_options::optimizer_policy::require});

  const std::vector<float> state_before(sgd_model.optimizer_state().begin(), sgd_model.optimizer_state().end());
  ctnn::load_from_memory(sgd_model, file, {.optimizer = ctnn::load_options::optimizer_policy::ignore});
  CHECK(sgd_model.iterations() == 4);
  CHECK(std::equal(state_before.begin(), state_before.end(), sgd_model.optimizer_state().begin()));

  ctnn::load_from_memory(sgd_model, file);  // restore_if_compatible: another optimizer, so reset
  CHECK(std::equal(adam_model.parameters().begin(), adam_model.parameters().end(), sgd_model.parameters().begin()));
  CHECK(sgd_model.iterations() == 0);
  CHECK(std::all_of(sgd_model.optimizer_state().begin(), sgd_model.optimizer_state().end(), [](float v) { return v == 0; }));
}

TEST_CASE("load: files that cannot be opened or written", "[io][bad]") {
  toy_model m;
  temp_dir dir;
  try {
    ctnn::load(m, dir / "missing.ctnn");
    FAIL("loaded a missing file");
  } catch (const ctnn::io_error& e) {
    CHECK(e.why() == reason::cannot_open);
    CHECK_THAT(e.what(), Contains("missing.ctnn: file: expected an existing file, found no such file"));
  }
  CHECK_THROWS_AS(ctnn::load(m, dir / ""), ctnn::io_error);
  CHECK_THROWS_AS(ctnn::save(m, dir / "no" / "such" / "dir.ctnn"), ctnn::io_error);
}

TEST_CASE("load, load_npy, load_npz: a FIFO, a device or a directory is refused at once, by name", "[io][bad]") {
  temp_dir dir;
  const fs::path fifo = dir / "fifo.ctnn";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  toy_model m;
  const auto before = snapshot<toy_model>(m);
  ctnn_test::refuses_without_blocking(fifo, [&] {
    REQUIRE_THROWS_WITH(ctnn::load(m, fifo), Contains("fifo.ctnn: file: expected a regular file, found a FIFO"));
  });
  ctnn_test::refuses_without_blocking(fifo, [&] { REQUIRE_THROWS_WITH(ctnn::load_npy(fifo), Contains("found a FIFO")); });
  ctnn_test::refuses_without_blocking(fifo, [&] { REQUIRE_THROWS_WITH(ctnn::load_npz(m, fifo), Contains("found a FIFO")); });
  // /dev/zero never ends: read to its end, it grew without bound.
  REQUIRE_THROWS_WITH(ctnn::load(m, "/dev/zero"), Contains("expected a regular file, found a character device"));
  REQUIRE_THROWS_WITH(ctnn::load(m, dir.path()), Contains("expected a regular file, found a directory"));
  CHECK(snapshot<toy_model>(m) == before);
}

TEST_CASE("save: replaces atomically, keeps the replaced file's permissions and symbolic links", "[io][save]") {
  temp_dir dir;
  toy_model a, b({}, {}, {.seed = 7});
  const auto only_files = [&](std::initializer_list<std::string> names) {
    std::vector<std::string> found;
    for (const auto& e : fs::directory_iterator(dir.path())) found.push_back(e.path().filename().string());
    std::sort(found.begin(), found.end());
    std::vector<std::string> expected(names);
    std::sort(expected.begin(), expected.end());
    CHECK(found == expected);
  };

  // A new file gets what open(..., 0666) gives it under the umask.
  const mode_t mask = ::umask(022);
  ::umask(mask);
  ctnn::save(a, dir / "new.ctnn");
  CHECK((fs::status(dir / "new.ctnn").permissions() & fs::perms::mask) == fs::perms(0666 & ~mask));

  // A private file stays private.
  fs::permissions(dir / "new.ctnn", fs::perms::owner_read | fs::perms::owner_write);
  ctnn::save(b, dir / "new.ctnn");
  CHECK((fs::status(dir / "new.ctnn").permissions() & fs::perms::mask) == (fs::perms::owner_read | fs::perms::owner_write));
  toy_model c({}, {}, {.seed = 3});
  ctnn::load(c, dir / "new.ctnn");
  CHECK(snapshot<toy_model>(c) == snapshot<toy_model>(b));

  // Saving through a symbolic link replaces the file it points to and keeps the link.
  fs::create_symlink("new.ctnn", dir / "link.ctnn");
  ctnn::save(a, dir / "link.ctnn");
  CHECK(fs::is_symlink(fs::symlink_status(dir / "link.ctnn")));
  ctnn::load(c, dir / "new.ctnn");
  CHECK(snapshot<toy_model>(c) == snapshot<toy_model>(a));
  only_files({"new.ctnn", "link.ctnn"});
}

TEST_CASE("save: concurrent saves to one path each leave a whole file", "[io][save]") {
  // Each save writes a temporary file of its own; with one fixed name the two writers would
  // overwrite or rename away each other's file.
  temp_dir dir;
  toy_model a, b({}, {}, {.seed = 7});
  std::atomic<int> failures{0};
  const auto saver = [&](const toy_model& m) {
    for (int i = 0; i < 25; ++i) {
      try {
        ctnn::save(m, dir / "shared.ctnn");
      } catch (const std::exception&) {
        ++failures;
      }
    }
  };
  std::thread one(saver, std::cref(a)), two(saver, std::cref(b));
  one.join();
  two.join();
  CHECK(failures == 0);
  toy_model c({}, {}, {.seed = 3});
  ctnn::load(c, dir / "shared.ctnn");
  CHECK((snapshot<toy_model>(c) == snapshot<toy_model>(a) || snapshot<toy_model>(c) == snapshot<toy_model>(b)));
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);
}

TEST_CASE("save: a full disk leaves the old file as it was, and no temporary file", "[io][save][bad]") {
  // The file size limit (RLIMIT_FSIZE) stands in for a full disk: writes past it fail with EFBIG
  // as they would with ENOSPC (SIGXFSZ is ignored meanwhile, so the write returns the error).
  temp_dir dir;
  toy_model a, b({}, {}, {.seed = 7});
  ctnn::save(a, dir / "model.ctnn");
  const auto original = ctnn::detail::read_whole_file(dir / "model.ctnn");
  REQUIRE(original.size() > 1024);
  rlimit old{};
  REQUIRE(::getrlimit(RLIMIT_FSIZE, &old) == 0);
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small = old;
  small.rlim_cur = 1024;
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
  bool threw = false;
  try {
    ctnn::save(b, dir / "model.ctnn");
  } catch (const ctnn::io_error& e) {
    threw = true;
    CHECK_THAT(e.what(), Contains("a write error after"));
  }
  ::setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, old_handler);
  CHECK(threw);
  CHECK(ctnn::detail::read_whole_file(dir / "model.ctnn") == original);
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);
}

TEST_CASE("load: the fuzzers' seed files, golden files of format version 1, still load", "[io][golden]") {
  const fs::path corpus = fs::path(__FILE__).parent_path().parent_path() / "fuzz" / "corpus" / "weights";
  ctnn_fuzz::model m;
  ctnn::load(m, corpus / "trained_adam.ctnn");
  CHECK(m.iterations() == 4);
  const auto& mean = m.layer<1>().moving_mean;
  CHECK(std::any_of(mean.begin(), mean.end(), [](double v) { return v != 0.0; }));
  ctnn::load(m, corpus / "trained_test_vector.ctnn");  // checks its test vector
  ctnn::load(m, corpus / "fresh_no_optimizer.ctnn");
  CHECK(m.iterations() == 0);
}
