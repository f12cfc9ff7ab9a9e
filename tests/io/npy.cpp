// Tests of NumPy interchange: ctnn::save_npy / load_npy for single tensors, and
// ctnn::save_npz / load_npz for a model's parameters, against files written by xtensor and by
// NumPy itself (tests/io/data: numpy.savez and numpy.savez_compressed, made by the script in
// the comment below) and against damaged ones.
//
//   def arrays(dtype):  # the toy network's tensors, values arange(n) / 1000 - 0.05
//       ...
//   c = arrays(np.float64); c["dense/kernel"] = np.asfortranarray(c["dense/kernel"])
//   np.savez_compressed("toy_numpy_compressed.npz", **c)
//   np.savez("toy_numpy_stored.npz", **arrays(np.float32))
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <xtensor/xarray.hpp>
#include <xtensor/xnpy.hpp>

#include <zlib.h>

#include <ctnn/ctnn.hpp>
#include <ctnn/io/detail/byte_io.hpp>
#include <ctnn/io/detail/npy_format.hpp>
#include <ctnn/io/detail/zip.hpp>
#include <ctnn/io/io_error.hpp>
#include <ctnn/io/load_npy.hpp>
#include <ctnn/io/load_npz.hpp>
#include <ctnn/io/save_npy.hpp>
#include <ctnn/io/save_npz.hpp>

#include "support/allocation_counter.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using Catch::Contains;
using reason = ctnn::io_error::reason;

using toy = ctnn::sequential<ctnn::input<8>,
                             ctnn::dense<16, ctnn::relu>,
                             ctnn::dropout<ctnn::dropout_rate{0.25}>,
                             ctnn::dense<3, ctnn::softmax>>;
using toy_model = ctnn::model<toy, ctnn::loss::categorical_crossentropy, ctnn::optim::adam>;
const fs::path data_dir = fs::path(__FILE__).parent_path() / "data";

using ctnn_test::temp_dir;

// A zip archive of DEFLATE entries (as numpy.savez_compressed writes), built here byte by byte so
// that a test can make entries ctnn's own writer never would.
std::vector<std::byte> deflated_zip(const std::vector<std::pair<std::string, std::vector<std::byte>>>& entries) {
  std::vector<std::byte> out, directory;
  auto put = [](std::vector<std::byte>& to, std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) to.push_back(static_cast<std::byte>(v >> (8 * i)));
  };
  for (const auto& [name, data] : entries) {
    std::vector<std::byte> packed(compressBound(static_cast<uLong>(data.size())) + 64);
    z_stream z{};
    REQUIRE(deflateInit2(&z, 1, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(packed.data());
    z.avail_out = static_cast<uInt>(packed.size());
    REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
    packed.resize(z.total_out);
    deflateEnd(&z);
    const auto crc = static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
    const std::size_t offset = out.size();
    for (auto* to : {&out, &directory}) {
      const bool central = to == &directory;
      put(*to, central ? 0x02014b50 : 0x04034b50, 4);
      if (central) put(*to, 20, 2);  // version made by
      put(*to, 20, 2);                // version needed
      put(*to, 0, 2);                 // flags
      put(*to, 8, 2);                 // deflate
      put(*to, 0, 4);                 // time and date
      put(*to, crc, 4);
      put(*to, packed.size(), 4);
      put(*to, data.size(), 4);
      put(*to, name.size(), 2);
      put(*to, 0, 2);                 // extra length
      if (central) {
        put(*to, 0, 2);  // comment length
        put(*to, 0, 2);  // disk
        put(*to, 0, 2);  // internal attributes
        put(*to, 0, 4);  // external attributes
        put(*to, offset, 4);
      }
      for (char c : name) to->push_back(static_cast<std::byte>(c));
      if (!central) to->insert(to->end(), packed.begin(), packed.end());
    }
  }
  const std::size_t directory_at = out.size();
  out.insert(out.end(), directory.begin(), directory.end());
  put(out, 0x06054b50, 4);
  put(out, 0, 4);  // disks
  put(out, entries.size(), 2);
  put(out, entries.size(), 2);
  put(out, directory.size(), 4);
  put(out, directory_at, 4);
  put(out, 0, 2);  // comment length
  return out;
}

bool same(const xt::xarray<float>& a, const xt::xarray<float>& b) {
  return a.shape() == b.shape() && std::equal(a.begin(), a.end(), b.begin());
}

void write(const fs::path& p, const std::vector<std::byte>& bytes) {
  std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                           static_cast<std::streamsize>(bytes.size()));
}

std::vector<std::byte> npy_with_header(const std::string& header, std::size_t data_bytes, std::uint8_t major = 1) {
  ctnn::detail::byte_writer w;
  w.text("\x93NUMPY");
  w.u8(major);
  w.u8(0);
  if (major == 1) w.u16(static_cast<std::uint16_t>(header.size()));
  else w.u32(static_cast<std::uint32_t>(header.size()));
  w.text(header);
  for (std::size_t i = 0; i < data_bytes; ++i) w.u8(0);
  return std::move(w).take();
}

// Expects load_npy to throw an io_error of the given reason whose message contains `part`.
void npy_refused(const fs::path& p, reason why, const std::string& part) {
  try {
    (void)ctnn::load_npy(p);
    FAIL("loaded " << p);
  } catch (const ctnn::io_error& e) {
    INFO(e.what());
    CHECK(e.why() == why);
    CHECK_THAT(e.what(), Contains(part));
  }
}

template <class M>
void npz_refused(M& m, const fs::path& p, reason why, const std::string& part) {
  const std::vector<float> before(m.parameters().begin(), m.parameters().end());
  try {
    ctnn::load_npz(m, p);
    FAIL("loaded " << p);
  } catch (const ctnn::io_error& e) {
    INFO(e.what());
    CHECK(e.why() == why);
    CHECK_THAT(e.what(), Contains(part));
  }
  CHECK(std::equal(before.begin(), before.end(), m.parameters().begin()));
}

}  // namespace

TEST_CASE("save_npy and load_npy round-trip a tensor, and agree with xtensor's npy support", "[io][npy]") {
  temp_dir dir;
  toy_model m;
  ctnn::save_npy(dir / "kernel.npy", m.parameter<0, 0>(), {8, 16});
  const auto k = ctnn::load_npy(dir / "kernel.npy", {8, 16});
  CHECK(std::equal(k.begin(), k.end(), m.parameter<0, 0>().begin()));
  CHECK(same(xt::load_npy<float>((dir / "kernel.npy").string()), k));  // xtensor reads ours

  xt::xarray<double> d = {{1.5, -2.0, 3.25}, {4.0, 5.5, -6.0}};
  xt::dump_npy((dir / "f8.npy").string(), d);  // and we read xtensor's, float64 included
  CHECK(same(ctnn::load_npy(dir / "f8.npy"), xt::xarray<float>(d)));
  ctnn::save_npy(dir / "expression.npy", xt::xarray<float>(d) * 2.0f);
  CHECK(same(ctnn::load_npy(dir / "expression.npy"), xt::xarray<float>(d * 2.0)));
  ctnn::save_npy(dir / "scalar.npy", std::vector<float>{7}, {});
  CHECK(ctnn::load_npy(dir / "scalar.npy")() == 7);

  CHECK_THROWS_WITH(ctnn::load_npy(dir / "f8.npy", {3, 2}), Contains("f8.npy: shape: expected (3, 2), found (2, 3)"));
  CHECK_THROWS_WITH(ctnn::save_npy(dir / "bad.npy", std::vector<float>(5), {2, 3}),
                    Contains("expected 6 values for shape (2, 3), found 5 values"));
}

TEST_CASE("load_npy reads Fortran-ordered arrays in C order", "[io][npy]") {
  temp_dir dir;
  // [[0, 1, 2], [3, 4, 5]] stored column by column.
  auto file = npy_with_header("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", 0);
  ctnn::detail::byte_writer w;
  w.floats(std::vector<float>{0, 3, 1, 4, 2, 5});
  file.insert(file.end(), w.view().begin(), w.view().end());
  write(dir / "f.npy", file);
  const auto a = ctnn::load_npy(dir / "f.npy");
  CHECK(same(a, xt::xarray<float>{{0, 1, 2}, {3, 4, 5}}));
}

TEST_CASE("load_npy refuses what it cannot read, saying why", "[io][npy][bad]") {
  temp_dir dir;
  xt::xarray<int> ints = {1, 2, 3};
  xt::dump_npy((dir / "ints.npy").string(), ints);
  npy_refused(dir / "ints.npy", reason::dtype_mismatch, "dtype: expected float32 or float64 ('<f4', '<f8'), found '<i4' (int32)");

  write(dir / "magic.npy", std::vector<std::byte>(16, std::byte{'x'}));
  npy_refused(dir / "magic.npy", reason::bad_magic, "not a NumPy .npy file");
  write(dir / "version.npy", npy_with_header("{}", 0, 4));
  npy_refused(dir / "version.npy", reason::unsupported_version, "format version: expected 1.0, 2.0 or 3.0, found 4.0");
  write(dir / "short_data.npy", npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", 8));
  npy_refused(dir / "short_data.npy", reason::truncated, "data: expected 12 bytes for shape (3,), found 8 bytes");
  auto cut = npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", 12);
  cut.resize(20);
  write(dir / "short_header.npy", cut);
  npy_refused(dir / "short_header.npy", reason::truncated, "the file is truncated");
  // 2^40 values: refused by the size of the file, never allocated.
  write(dir / "absurd.npy", npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776,), }", 4));
  npy_refused(dir / "absurd.npy", reason::truncated, "expected 4398046511104 bytes for shape (1099511627776,)");
  write(dir / "overflow.npy",
        npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }", 4));
  npy_refused(dir / "overflow.npy", reason::corrupt, "the shape is absurd");
  write(dir / "dict.npy", npy_with_header("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (3,), }", 12));
  npy_refused(dir / "dict.npy", reason::corrupt, "expected True or False for 'fortran_order', found 'Maybe");
  write(dir / "keys.npy", npy_with_header("{'descr': '<f4', 'shape': (3,), }", 12));
  npy_refused(dir / "keys.npy", reason::corrupt, "the keys 'descr', 'fortran_order' and 'shape'");
  write(dir / "v2.npy", npy_with_header("{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }", 0, 2));
  npy_refused(dir / "v2.npy", reason::truncated, "data: expected 8 bytes");
  npy_refused(dir / "nonexistent.npy", reason::cannot_open, "no such file");
}

TEST_CASE("save_npz and load_npz round-trip a model's parameters; numpy reads them by name", "[io][npz]") {
  temp_dir dir;
  toy_model a, b({}, {}, {.seed = 7});
  ctnn::save_npz(a, dir / "toy.npz");
  ctnn::load_npz(b, dir / "toy.npz");
  CHECK(std::equal(a.parameters().begin(), a.parameters().end(), b.parameters().begin()));
  // The archive is plain: one '<f4' .npy per tensor, as numpy.load sees it, plus the description.
  const auto bytes = ctnn::detail::read_whole_file(dir / "toy.npz");
  std::vector<std::string> names;
  for (const auto& e : ctnn::detail::parse_zip(bytes, "toy.npz")) names.push_back(e.name);
  CHECK(names == std::vector<std::string>{"dense/kernel.npy", "dense/bias.npy", "dense_1/kernel.npy",
                                          "dense_1/bias.npy", "ctnn.network.npy"});
}

TEST_CASE("load_npz reads numpy.savez and numpy.savez_compressed archives", "[io][npz]") {
  for (const char* file : {"toy_numpy_stored.npz", "toy_numpy_compressed.npz"}) {
    INFO(file);
    toy_model m;
    ctnn::load_npz(m, data_dir / file);
    // values arange(n) / 1000 - 0.05 in each tensor, row-major (the compressed archive's kernel is
    // Fortran-ordered float64).
    for (std::size_t i = 0; i < 8 * 16; ++i) CHECK(m.parameter<0, 0>()[i] == static_cast<float>(i / 1000.0 - 0.05));
    for (std::size_t i = 0; i < 16 * 3; ++i) CHECK(m.parameter<2, 0>()[i] == static_cast<float>(i / 1000.0 - 0.05));
    for (std::size_t i = 0; i < 3; ++i) CHECK(m.parameter<2, 1>()[i] == static_cast<float>(i / 1000.0 - 0.05));
  }
}

TEST_CASE("load_npz refuses damaged archives and other networks' tensors, leaving the model unchanged", "[io][npz][bad]") {
  temp_dir dir;
  toy_model m;
  const auto good = ctnn::detail::read_whole_file(data_dir / "toy_numpy_compressed.npz");

  auto flipped = good;
  flipped[200] ^= std::byte{0x10};  // inside dense/kernel's DEFLATE data
  write(dir / "flipped.npz", flipped);
  try {
    ctnn::load_npz(m, dir / "flipped.npz");
    FAIL("a damaged archive loaded");
  } catch (const ctnn::io_error& e) {
    INFO(e.what());
    CHECK((e.why() == reason::corrupt || e.why() == reason::bad_checksum));
    CHECK_THAT(e.what(), Contains("zip entry 'dense/kernel.npy'"));
  }
  write(dir / "truncated.npz", std::vector<std::byte>(good.begin(), good.begin() + 1000));
  npz_refused(m, dir / "truncated.npz", reason::truncated, "zip end of central directory");
  write(dir / "not_zip.npz", std::vector<std::byte>(good.begin() + 4, good.end()));
  npz_refused(m, dir / "not_zip.npz", reason::bad_magic, "not an .npz (zip) archive");

  // Archives written here, entry by entry.
  auto archive = [&](const std::string& name, const std::vector<std::pair<std::string, std::vector<std::byte>>>& entries) {
    ctnn::detail::zip_writer zip;
    for (const auto& [entry, data] : entries) zip.add(entry, data);
    write(dir / name, std::move(zip).finish());
  };
  auto npy = [](std::vector<std::uint64_t> shape, std::size_t n) {
    ctnn::detail::byte_writer w;
    ctnn::detail::write_npy(w, shape, std::vector<float>(n, 0.5f));
    return std::move(w).take();
  };
  const std::vector<std::pair<std::string, std::vector<std::byte>>> all = {
      {"dense/kernel.npy", npy({8, 16}, 128)}, {"dense/bias.npy", npy({16}, 16)},
      {"dense_1/kernel.npy", npy({16, 3}, 48)}, {"dense_1/bias.npy", npy({3}, 3)}};
  archive("ok.npz", all);
  CHECK_NOTHROW(ctnn::load_npz(m, dir / "ok.npz"));
  toy_model fresh;

  auto missing = all;
  missing.pop_back();
  archive("missing.npz", missing);
  npz_refused(fresh, dir / "missing.npz", reason::missing_tensor, "tensor 'dense_1/bias': expected an entry 'dense_1/bias.npy'");
  auto transposed = all;
  transposed[2].second = npy({3, 16}, 48);
  archive("transposed.npz", transposed);
  npz_refused(fresh, dir / "transposed.npz", reason::shape_mismatch,
              "tensor 'dense_1/kernel': shape: expected (16, 3), found (3, 16); a transposed kernel?");
  auto extra = all;
  extra.emplace_back("dense_2/kernel.npy", npy({3, 3}, 9));
  archive("extra.npz", extra);
  npz_refused(fresh, dir / "extra.npz", reason::unexpected_tensor, "entry 'dense_2/kernel.npy'");

  // The description saved by save_npz is checked: another network's archive is refused.
  ctnn::model<ctnn::sequential<ctnn::input<8>, ctnn::dense<16, ctnn::tanh>, ctnn::dropout<ctnn::dropout_rate{0.25}>,
                               ctnn::dense<3, ctnn::softmax>>,
              ctnn::loss::categorical_crossentropy, ctnn::optim::adam>
      tanh_model;
  ctnn::save_npz(tanh_model, dir / "tanh.npz");
  npz_refused(fresh, dir / "tanh.npz", reason::network_mismatch, "activation=relu");
  ctnn::load_npz(fresh, dir / "tanh.npz", {.require_same_network = false});
}

TEST_CASE("load_npz: memory is bounded by the network's tensors, not by what an entry inflates to", "[io][npz][bad]") {
  // A 1 MB archive can inflate to 1 GB. Both archives below hold, for dense/kernel (8 x 16), 32 MiB
  // of zeros behind the npy header; compressed they are about 32 KiB. Before the fix the reader
  // allocated the entry's whole inflated size before it looked at the header.
  auto npy_header = [](std::vector<std::uint64_t> shape, std::size_t extra_bytes) {
    ctnn::detail::byte_writer w;
    ctnn::detail::write_npy_header(w, "<f4", shape);
    auto bytes = std::move(w).take();
    bytes.resize(bytes.size() + extra_bytes, std::byte{0});
    return bytes;
  };
  constexpr std::size_t big = std::size_t{32} << 20;
  const auto check = [](const std::vector<std::byte>& archive, reason why, const std::string& text) {
    toy_model m;
    const std::vector<float> before(m.parameters().begin(), m.parameters().end());
    std::size_t bytes = 0;
    try {
      ctnn_test::allocated_bytes() = 0;
      ctnn_test::counting() = true;
      ctnn::detail::load_npz_bytes(m, archive, "<bomb>", {});
      ctnn_test::counting() = false;
      FAIL("the archive loaded");
    } catch (const ctnn::io_error& e) {
      ctnn_test::counting() = false;
      bytes = ctnn_test::allocated_bytes();
      INFO(e.what());
      CHECK(e.why() == why);
      CHECK_THAT(e.what(), Contains(text));
    }
    INFO("allocated " << bytes << " bytes while loading");
    CHECK(bytes < (std::size_t{1} << 20));
    CHECK(std::equal(before.begin(), before.end(), m.parameters().begin()));
  };
  // The npy header says (8, 16), the entry is 32 MiB longer: corrupt, found from the header.
  check(deflated_zip({{"dense/kernel.npy", npy_header({8, 16}, 4 * 128 + big)}}), reason::corrupt,
        "zip entry's size");
  // Header and entry agree on a 2048 x 4096 kernel: the wrong shape, found before the data.
  check(deflated_zip({{"dense/kernel.npy", npy_header({2048, 4096}, big)}}), reason::shape_mismatch,
        "tensor 'dense/kernel': shape: expected (8, 16), found (2048, 4096)");
}
