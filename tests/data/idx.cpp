// Tests for the IDX readers, to_categorical and load_idx_dataset. Small files are written by
// hand, plain and gzip-compressed, into a fresh temporary directory.
#include <catch2/catch.hpp>

#include <ctnn/data/data_error.hpp>
#include <ctnn/data/idx.hpp>
#include <ctnn/data/load_dataset.hpp>
#include <ctnn/data/to_categorical.hpp>

#include "support/fifo.hpp"
#include "support/temp_dir.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <zlib.h>

namespace {

namespace fs = std::filesystem;
using bytes = std::vector<std::uint8_t>;
using Catch::Contains;

// A directory of its own per test case, removed afterwards.
using ctnn_test::temp_dir;

// An IDX file: magic number, big-endian dimensions, then payload.
bytes idx_file(std::uint32_t magic, std::initializer_list<std::uint32_t> dims,
               const bytes& payload) {
  bytes out;
  auto put = [&](std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
      out.push_back(static_cast<std::uint8_t>(v >> shift));
  };
  put(magic);
  for (auto d : dims) put(d);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

void write_plain(const fs::path& p, const bytes& content) {
  std::ofstream f(p, std::ios::binary);
  f.write(reinterpret_cast<const char*>(content.data()),
          static_cast<std::streamsize>(content.size()));
  REQUIRE(f.good());
}

void write_gz(const fs::path& p, const bytes& content) {
  gzFile f = gzopen(p.string().c_str(), "wb");
  REQUIRE(f != nullptr);
  if (!content.empty())
    REQUIRE(gzwrite(f, content.data(), static_cast<unsigned>(content.size())) ==
            static_cast<int>(content.size()));
  REQUIRE(gzclose(f) == Z_OK);
}

bytes read_plain(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return bytes(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// Writes name and name.gz with the same content; returns both paths.
std::array<fs::path, 2> write_both(const temp_dir& dir, const std::string& name,
                                   const bytes& content) {
  const auto plain = dir / name;
  const auto gz = dir / (name + ".gz");
  write_plain(plain, content);
  write_gz(gz, content);
  return {plain, gz};
}

bytes pattern(std::size_t n) {
  bytes out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>((i * 37 + i / 7) % 256);
  return out;
}

// The three hand-made 2x2 images.
const bytes three_images = {0,   255, 51, 102,  //
                            1,   2,   3,  4,    //
                            128, 254, 17, 200};

}  // namespace

TEST_CASE("load_idx_images reads and scales a hand-made 3-image 2x2 file", "[data][idx]") {
  temp_dir dir;
  const auto files =
      write_both(dir, "images-idx3-ubyte", idx_file(0x00000803, {3, 2, 2}, three_images));
  for (const auto& file : files) {
    INFO(file);
    const auto x = ctnn::load_idx_images<2, 2>(file);
    REQUIRE(x.size() == 3);
    CHECK(x[0][0] == 0.0f);
    CHECK(x[0][1] == 1.0f);
    CHECK(x[0][2] == 0.2f);  // 51 / 255 is 0.2 rounded to float, as is the literal
    CHECK(x[0][3] == 0.4f);
    for (std::size_t i = 0; i < 3; ++i)
      for (std::size_t j = 0; j < 4; ++j)
        CHECK(x[i][j] == static_cast<float>(three_images[4 * i + j]) / 255.0f);

    // Only the number of values per image has to agree.
    const auto flat = ctnn::load_idx_images<4>(file);
    const auto channels_last = ctnn::load_idx_images<2, 2, 1>(file);
    REQUIRE(flat.size() == 3);
    REQUIRE(channels_last.size() == 3);
    for (std::size_t k = 0; k < 12; ++k) {
      CHECK(flat.data()[k] == x.data()[k]);
      CHECK(channels_last.data()[k] == x.data()[k]);
    }
  }
}

TEST_CASE("load_idx_images accepts unsigned-byte IDX files of rank 2 and 4", "[data][idx]") {
  temp_dir dir;
  write_plain(dir / "rank2", idx_file(0x00000802, {3, 4}, three_images));
  write_plain(dir / "rank4", idx_file(0x00000804, {3, 1, 2, 2}, three_images));
  const auto a = ctnn::load_idx_images<2, 2>(dir / "rank2");
  const auto b = ctnn::load_idx_images<2, 2>(dir / "rank4");
  REQUIRE(a.size() == 3);
  REQUIRE(b.size() == 3);
  CHECK(a[2][1] == 254.0f / 255.0f);
  CHECK(b[2][3] == 200.0f / 255.0f);
}

TEST_CASE("load_idx_images and load_idx_labels give the same results for plain and .gz files",
          "[data][idx]") {
  temp_dir dir;
  const auto payload = pattern(50 * 7 * 5);
  const auto images = write_both(dir, "images", idx_file(0x00000803, {50, 7, 5}, payload));
  const auto plain = ctnn::load_idx_images<7, 5>(images[0]);
  const auto gz = ctnn::load_idx_images<7, 5>(images[1]);
  REQUIRE(plain.size() == 50);
  REQUIRE(gz.size() == 50);
  CHECK(std::equal(plain.values().begin(), plain.values().end(), gz.values().begin()));
  CHECK(plain[49][34] == static_cast<float>(payload.back()) / 255.0f);

  const auto labels = write_both(dir, "labels", idx_file(0x00000801, {50}, pattern(50)));
  CHECK(ctnn::load_idx_labels(labels[0]) == pattern(50));
  CHECK(ctnn::load_idx_labels(labels[1]) == pattern(50));
}

TEST_CASE("load_idx_labels reads labels as stored", "[data][idx]") {
  temp_dir dir;
  const bytes labels = {9, 0, 0, 3, 255};
  for (const auto& file : write_both(dir, "labels-idx1-ubyte", idx_file(0x00000801, {5}, labels)))
    CHECK(ctnn::load_idx_labels(file) == labels);
  write_plain(dir / "empty-set", idx_file(0x00000801, {0}, {}));
  CHECK(ctnn::load_idx_labels(dir / "empty-set").empty());
}

TEST_CASE("to_categorical one-hot encodes labels", "[data][to_categorical]") {
  const std::vector<std::uint8_t> labels = {2, 0, 3, 2};
  const auto y = ctnn::to_categorical<4>(labels);
  REQUIRE(y.size() == 4);
  const std::array<std::array<float, 4>, 4> expected = {
      {{0, 0, 1, 0}, {1, 0, 0, 0}, {0, 0, 0, 1}, {0, 0, 1, 0}}};
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t c = 0; c < 4; ++c) CHECK(y[i][c] == expected[i][c]);

  const std::uint8_t raw[] = {1};
  const auto from_span = ctnn::to_categorical<2>(std::span<const std::uint8_t>(raw));
  REQUIRE(from_span.size() == 1);
  CHECK(from_span[0][0] == 0.0f);
  CHECK(from_span[0][1] == 1.0f);

  CHECK(ctnn::to_categorical<3>(std::vector<std::uint8_t>{}).empty());

  REQUIRE_THROWS_AS(ctnn::to_categorical<3>(labels), std::invalid_argument);
  REQUIRE_THROWS_WITH(ctnn::to_categorical<3>(labels),
                      Contains("sample 2") && Contains("label 3") && Contains("3 classes"));
}

TEST_CASE("IDX readers report a missing file or a directory", "[data][idx][errors]") {
  temp_dir dir;
  const auto missing = dir / "no-such-images-idx3-ubyte.gz";
  REQUIRE_THROWS_AS((ctnn::load_idx_images<2, 2>(missing)), ctnn::data_error);
  REQUIRE_THROWS_WITH((ctnn::load_idx_images<2, 2>(missing)),
                      Contains(missing.string()) && Contains("no such file"));
  REQUIRE_THROWS_WITH(ctnn::load_idx_labels(missing),
                      Contains(missing.string()) && Contains("no such file"));
  try {
    (void)ctnn::load_idx_labels(missing);
    FAIL("no exception");
  } catch (const ctnn::data_error& e) {
    CHECK(e.path() == missing);
  }
  REQUIRE_THROWS_WITH(ctnn::load_idx_labels(dir.path()),
                      Contains(dir.path().string()) && Contains("is a directory"));
}

TEST_CASE("IDX readers refuse a FIFO or a device at once instead of waiting or reading forever", "[data][idx][errors]") {
  temp_dir dir;
  const auto fifo = dir / "train-images-idx3-ubyte";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  ctnn_test::refuses_without_blocking(fifo, [&] {
    REQUIRE_THROWS_WITH((ctnn::load_idx_images<2, 2>(fifo)), Contains("is not a regular file"));
  });
  for (const char* name : {"train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"})
    std::ofstream(dir / name).put('\0');
  ctnn_test::refuses_without_blocking(fifo, [&] {
    REQUIRE_THROWS_WITH((ctnn::load_idx_dataset<3, 2, 2>(dir.path())), Contains("is not a regular file"));
  });
  REQUIRE_THROWS_WITH(ctnn::load_idx_labels("/dev/zero"), Contains("/dev/zero") && Contains("is not a regular file"));
}

TEST_CASE("IDX readers report a wrong magic number in hex", "[data][idx][errors]") {
  temp_dir dir;
  const std::string text = "hello, this is not an IDX file";
  for (const auto& file : write_both(dir, "text", bytes(text.begin(), text.end()))) {
    INFO(file);
    REQUIRE_THROWS_AS((ctnn::load_idx_images<2, 2>(file)), ctnn::data_error);
    REQUIRE_THROWS_WITH((ctnn::load_idx_images<2, 2>(file)),
                        Contains(file.string()) && Contains("wrong magic number 0x68656C6C") &&
                            Contains("expected 0x00000803"));
    REQUIRE_THROWS_WITH(ctnn::load_idx_labels(file),
                        Contains(file.string()) && Contains("wrong magic number 0x68656C6C") &&
                            Contains("expected 0x00000801"));
  }
  // Labels where images are expected, and the other way round.
  const auto labels = write_both(dir, "labels", idx_file(0x00000801, {3}, {1, 2, 3}));
  const auto images = write_both(dir, "images", idx_file(0x00000803, {3, 2, 2}, three_images));
  for (int k = 0; k < 2; ++k) {
    REQUIRE_THROWS_WITH((ctnn::load_idx_images<2, 2>(labels[k])),
                        Contains(labels[k].string()) && Contains("wrong magic number 0x00000801") &&
                            Contains("expected 0x00000803"));
    REQUIRE_THROWS_WITH(ctnn::load_idx_labels(images[k]),
                        Contains(images[k].string()) && Contains("wrong magic number 0x00000803") &&
                            Contains("expected 0x00000801"));
  }
}

TEST_CASE("IDX readers reject data types other than unsigned bytes", "[data][idx][errors]") {
  temp_dir dir;
  for (const auto& file :
       write_both(dir, "floats", idx_file(0x00000D03, {1, 1, 1}, {0, 0, 0, 0}))) {
    REQUIRE_THROWS_AS(ctnn::load_idx_images<1>(file), ctnn::data_error);
    REQUIRE_THROWS_WITH(ctnn::load_idx_images<1>(file),
                        Contains(file.string()) && Contains("wrong data type") &&
                            Contains("0x00000D03") && Contains("float32"));
  }
  write_plain(dir / "int32-labels", idx_file(0x00000C01, {1}, {0, 0, 0, 7}));
  REQUIRE_THROWS_WITH(ctnn::load_idx_labels(dir / "int32-labels"),
                      Contains("int32-labels") && Contains("wrong data type") && Contains("int32"));
}

TEST_CASE("IDX readers report truncated files with expected and found sizes",
          "[data][idx][errors]") {
  temp_dir dir;
  SECTION("empty file") {
    for (const auto& file : write_both(dir, "empty", {}))
      REQUIRE_THROWS_WITH((ctnn::load_idx_images<2, 2>(file)),
                          Contains(file.string()) && Contains("truncated") && Contains("empty"));
  }
  SECTION("header cut short") {
    auto header = idx_file(0x00000803, {3, 2, 2}, {});
    header.resize(10);
    for (const auto& file : write_both(dir, "short-header", header))
      REQUIRE_THROWS_WITH(
          (ctnn::load_idx_images<2, 2>(file)),
          Contains(file.string()) && Contains("truncated") && Contains("needs 16 bytes, only 10"));
  }
  SECTION("image data cut short") {
    const bytes ten(three_images.begin(), three_images.begin() + 10);
    for (const auto& file : write_both(dir, "short-images", idx_file(0x00000803, {3, 2, 2}, ten))) {
      REQUIRE_THROWS_AS((ctnn::load_idx_images<2, 2>(file)), ctnn::data_error);
      REQUIRE_THROWS_WITH((ctnn::load_idx_images<2, 2>(file)),
                          Contains(file.string()) && Contains("truncated") &&
                              Contains("3 images of 2x2") && Contains("12 bytes") &&
                              Contains("only 10 bytes") && Contains("2 whole images"));
    }
  }
  SECTION("label data cut short") {
    for (const auto& file : write_both(dir, "short-labels", idx_file(0x00000801, {5}, {1, 2, 3})))
      REQUIRE_THROWS_WITH(ctnn::load_idx_labels(file),
                          Contains(file.string()) && Contains("truncated") &&
                              Contains("5 labels") && Contains("only 3 bytes"));
  }
  SECTION("gzip stream cut short") {
    const auto payload = pattern(20 * 16 * 16);
    const auto files = write_both(dir, "images", idx_file(0x00000803, {20, 16, 16}, payload));
    auto compressed = read_plain(files[1]);
    compressed.resize(compressed.size() / 2);
    write_plain(dir / "cut.gz", compressed);
    REQUIRE_THROWS_WITH(
        (ctnn::load_idx_images<16, 16>(dir / "cut.gz")),
        Contains("cut.gz") && Contains("truncated") && Contains("gzip stream ends early"));
  }
}

TEST_CASE("IDX readers report data beyond what the header declares", "[data][idx][errors]") {
  temp_dir dir;
  for (const auto& file : write_both(dir, "long", idx_file(0x00000803, {2, 2, 2}, three_images)))
    REQUIRE_THROWS_WITH((ctnn::load_idx_images<2, 2>(file)),
                        Contains(file.string()) && Contains("more data follows the 2 images"));
}

TEST_CASE("IDX readers report corrupt gzip data", "[data][idx][errors]") {
  temp_dir dir;
  const auto files =
      write_both(dir, "images", idx_file(0x00000803, {20, 16, 16}, pattern(20 * 16 * 16)));
  auto compressed = read_plain(files[1]);
  for (std::size_t i = compressed.size() / 3; i < compressed.size() / 3 + 16; ++i)
    compressed[i] ^= 0x5A;
  write_plain(dir / "corrupt.gz", compressed);
  REQUIRE_THROWS_AS((ctnn::load_idx_images<16, 16>(dir / "corrupt.gz")), ctnn::data_error);
  REQUIRE_THROWS_WITH((ctnn::load_idx_images<16, 16>(dir / "corrupt.gz")),
                      Contains("corrupt.gz: cannot decompress"));
}

TEST_CASE("IDX readers do not trust absurd header sizes", "[data][idx][errors]") {
  temp_dir dir;
  SECTION("2^40 values claimed by a 100-byte file fail fast, without allocating them") {
    // 2^24 images of 256x256; bad_alloc or a long run would mean the header was trusted.
    auto content = idx_file(0x00000803, {1u << 24, 256, 256}, pattern(84));
    REQUIRE(content.size() == 100);
    for (const auto& file : write_both(dir, "huge", content)) {
      const auto start = std::chrono::steady_clock::now();
      REQUIRE_THROWS_AS((ctnn::load_idx_images<256, 256>(file)), ctnn::data_error);
      REQUIRE_THROWS_WITH((ctnn::load_idx_images<256, 256>(file)),
                          Contains(file.string()) && Contains("truncated") &&
                              Contains("16777216 images of 256x256") &&
                              Contains("1099511627776 bytes") && Contains("only 84 bytes"));
      CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
    }
    for (const auto& file :
         write_both(dir, "huge-labels", idx_file(0x00000801, {0xFFFFFFFFu}, pattern(92))))
      REQUIRE_THROWS_WITH(ctnn::load_idx_labels(file), Contains("truncated") &&
                                                           Contains("4294967295 labels") &&
                                                           Contains("only 92 bytes"));
  }
  SECTION("sizes whose product overflows") {
    for (const auto& file : write_both(
             dir, "overflow", idx_file(0x00000804, {1, 0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu}, {})))
      REQUIRE_THROWS_WITH((ctnn::load_idx_images<2, 2>(file)),
                          Contains(file.string()) && Contains("absurd sizes") &&
                              Contains("1x4294967295x4294967295x4294967295"));
  }
}

TEST_CASE("load_idx_images names both shapes when the image size differs from the input",
          "[data][idx][errors]") {
  temp_dir dir;
  const auto files = write_both(dir, "train-images-idx3-ubyte",
                                idx_file(0x00000803, {1, 28, 28}, pattern(28 * 28)));
  for (const auto& file : files) {
    REQUIRE_THROWS_AS((ctnn::load_idx_images<32, 32, 3>(file)), ctnn::data_error);
    REQUIRE_THROWS_WITH((ctnn::load_idx_images<32, 32, 3>(file)),
                        Contains(file.string()) &&
                            Contains("each image is 28x28 (784 values) but the network input "
                                     "needs 32x32x3 (3072 values)"));
    REQUIRE_THROWS_WITH(ctnn::load_idx_images<10>(file),
                        Contains("28x28 (784 values)") && Contains("needs 10 values"));
  }
}

namespace {
// A tiny MNIST-style directory: 4 training and 2 test images of 2x2, three classes.
void write_tiny_dataset(const temp_dir& dir, bool gz, const bytes& train_labels,
                        const bytes& test_labels) {
  auto write = [&](const std::string& name, const bytes& content) {
    if (gz)
      write_gz(dir / (name + ".gz"), content);
    else
      write_plain(dir / name, content);
  };
  write("train-images-idx3-ubyte", idx_file(0x00000803, {4, 2, 2}, pattern(16)));
  write("train-labels-idx1-ubyte",
        idx_file(0x00000801, {static_cast<std::uint32_t>(train_labels.size())}, train_labels));
  write("t10k-images-idx3-ubyte", idx_file(0x00000803, {2, 2, 2}, pattern(8)));
  write("t10k-labels-idx1-ubyte",
        idx_file(0x00000801, {static_cast<std::uint32_t>(test_labels.size())}, test_labels));
}
}  // namespace

TEST_CASE("load_idx_dataset loads the four files, plain or .gz", "[data][load_dataset]") {
  for (bool gz : {false, true}) {
    INFO("gz: " << gz);
    temp_dir dir;
    write_tiny_dataset(dir, gz, {2, 0, 1, 2}, {1, 0});
    const auto d = ctnn::load_idx_dataset<3, 2, 2, 1>(dir.path());
    REQUIRE(d.x_train.size() == 4);
    REQUIRE(d.y_train.size() == 4);
    REQUIRE(d.x_test.size() == 2);
    REQUIRE(d.y_test.size() == 2);
    CHECK(d.x_train[3][3] == static_cast<float>(pattern(16)[15]) / 255.0f);
    CHECK(d.x_test[1][0] == static_cast<float>(pattern(8)[4]) / 255.0f);
    CHECK(d.y_train[0][2] == 1.0f);
    CHECK(d.y_train[0][0] + d.y_train[0][1] == 0.0f);
    CHECK(d.y_train[2][1] == 1.0f);
    CHECK(d.y_test[0][1] == 1.0f);
    CHECK(d.y_test[1][0] == 1.0f);
  }
}

TEST_CASE("load_idx_dataset prefers the plain file when both exist", "[data][load_dataset]") {
  temp_dir dir;
  write_tiny_dataset(dir, false, {0, 0, 0, 0}, {0, 0});
  write_gz(dir / "train-labels-idx1-ubyte.gz", idx_file(0x00000801, {4}, {1, 1, 1, 1}));
  const auto d = ctnn::load_idx_dataset<2, 4>(dir.path());
  CHECK(d.y_train[0][0] == 1.0f);
}

TEST_CASE("load_idx_dataset reports missing files, count mismatches and bad labels",
          "[data][load_dataset][errors]") {
  temp_dir dir;
  SECTION("missing file: both candidates named") {
    write_tiny_dataset(dir, true, {0, 1, 2, 0}, {0, 1});
    fs::remove(dir / "t10k-labels-idx1-ubyte.gz");
    const auto plain = (dir / "t10k-labels-idx1-ubyte").string();
    REQUIRE_THROWS_AS((ctnn::load_idx_dataset<3, 2, 2>(dir.path())), ctnn::data_error);
    REQUIRE_THROWS_WITH((ctnn::load_idx_dataset<3, 2, 2>(dir.path())),
                        Contains("not found") && Contains(plain + " nor " + plain + ".gz"));
  }
  SECTION("missing directory") {
    const auto nowhere = dir / "nowhere";
    REQUIRE_THROWS_WITH((ctnn::load_idx_dataset<3, 2, 2>(nowhere)),
                        Contains("train-images-idx3-ubyte.gz") &&
                            Contains("there is no directory " + nowhere.string()));
  }
  SECTION("image and label counts differ") {
    write_tiny_dataset(dir, false, {0, 1, 2}, {0, 1});
    REQUIRE_THROWS_AS((ctnn::load_idx_dataset<3, 2, 2>(dir.path())), ctnn::data_error);
    REQUIRE_THROWS_WITH((ctnn::load_idx_dataset<3, 2, 2>(dir.path())),
                        Contains((dir / "train-labels-idx1-ubyte").string() + ": has 3 labels") &&
                            Contains((dir / "train-images-idx3-ubyte").string() + " has 4 images"));
  }
  SECTION("a label outside the class count") {
    write_tiny_dataset(dir, true, {0, 1, 2, 3}, {0, 10});
    REQUIRE_THROWS_WITH((ctnn::load_idx_dataset<4, 2, 2>(dir.path())),
                        Contains((dir / "t10k-labels-idx1-ubyte.gz").string()) &&
                            Contains("sample 1 has label 10") && Contains("4 classes"));
    REQUIRE_THROWS_AS((ctnn::load_idx_dataset<10, 2, 2>(dir.path())), ctnn::data_error);
    REQUIRE_THROWS_WITH((ctnn::load_idx_dataset<10, 2, 2>(dir.path())),
                        Contains((dir / "t10k-labels-idx1-ubyte.gz").string()) &&
                            Contains("sample 1 has label 10") && Contains("10 classes"));
  }
}

TEST_CASE("load_idx_dataset reads Fashion-MNIST", "[data][load_dataset][fashion-mnist]") {
  const auto dir = ctnn::default_fashion_mnist_dir();
  if (!fs::is_directory(dir)) {
    WARN("skipped: " << dir << " is absent");
    return;
  }
  const auto d = ctnn::load_idx_dataset<10, 28, 28, 1>(dir);
  REQUIRE(d.x_train.size() == 60000);
  REQUIRE(d.y_train.size() == 60000);
  REQUIRE(d.x_test.size() == 10000);
  REQUIRE(d.y_test.size() == 10000);

  std::array<std::size_t, 10> per_class{};
  bool one_hot = true;
  for (std::size_t i = 0; i < d.y_train.size(); ++i) {
    std::size_t ones = 0;
    for (std::size_t c = 0; c < 10; ++c) {
      if (d.y_train[i][c] == 1.0f) {
        ++per_class[c];
        ++ones;
      } else if (d.y_train[i][c] != 0.0f)
        one_hot = false;
    }
    one_hot = one_hot && ones == 1;
  }
  CHECK(one_hot);
  for (std::size_t c = 0; c < 10; ++c) {
    INFO("class " << c);
    CHECK(per_class[c] > 5500);
    CHECK(per_class[c] < 6500);
  }

  // Golden values read with Python's gzip module: the first training image is an ankle boot
  // (class 9) whose pixels sum to 76247; the first test labels are 9, 2, 1.
  CHECK(d.y_train[0][9] == 1.0f);
  double sum = 0;
  for (float v : d.x_train[0]) sum += v;
  CHECK(sum == Approx(76247.0 / 255.0).epsilon(1e-6));
  CHECK(d.y_test[0][9] == 1.0f);
  CHECK(d.y_test[1][2] == 1.0f);
  CHECK(d.y_test[2][1] == 1.0f);

  const auto [lo, hi] = std::minmax_element(d.x_train.values().begin(), d.x_train.values().end());
  CHECK(*lo == 0.0f);
  CHECK(*hi == 1.0f);

  const auto labels = ctnn::load_idx_labels(dir / "train-labels-idx1-ubyte.gz");
  REQUIRE(labels.size() == 60000);
  CHECK(std::all_of(labels.begin(), labels.end(), [](std::uint8_t l) { return l < 10; }));
}
