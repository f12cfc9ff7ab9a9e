#pragma once
// Readers for the IDX layout of MNIST and Fashion-MNIST, plain or gzip-compressed.
//
// zlib's gzread passes uncompressed files through unchanged, so one code path reads both and
// the caller never says which it has. A .gz file's uncompressed size is unknown until it has
// been read, so the header's sizes are never trusted for allocation: the data is read in
// growing chunks and a short file is reported as truncated, whatever its header claims.
#include <algorithm>
#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <string>
#include <system_error>
#include <vector>

#include <zlib.h>

#include "../core/samples.hpp"
#include "../detail/regular_file.hpp"
#include "data_error.hpp"

namespace ctnn {

namespace detail {

// An open IDX file, plain or gzip.
class idx_input {
 public:
  explicit idx_input(const std::filesystem::path& path) : path_(path) {
    // Read only when it is a regular file: a FIFO or a device such as /dev/zero is refused.
    regular_file file = open_regular_file(path);
    if (!file.fd) {
      if (file.error == ENOENT) throw data_error(path, "no such file");
      if (file.error != 0) throw data_error(path, "cannot open: " + errno_text(file.error));
      if (S_ISDIR(file.mode)) throw data_error(path, "is a directory, not an IDX file");
      throw data_error(path, "is not a regular file but " + file_type_text(file.mode));
    }
    size_on_disk_ = file.size;
    errno = 0;
    file_ = gzdopen(file.fd.get(), "rb");
    if (file_ == nullptr)
      throw data_error(path, "cannot open: " + (errno != 0 ? std::generic_category().message(errno)
                                                           : std::string("out of memory")));
    file.fd.release();  // the gzip stream owns it now
    gzbuffer(file_, 1u << 17);  // The default 8 KiB makes a 47 MB file take thousands of reads.
  }
  idx_input(const idx_input&) = delete;
  idx_input& operator=(const idx_input&) = delete;
  ~idx_input() { gzclose(file_); }

  // Reads up to n bytes; fewer only where the data ends.
  std::size_t read(void* destination, std::size_t n) {
    auto* out = static_cast<unsigned char*>(destination);
    std::size_t total = 0;
    while (total < n) {
      // gzread counts in unsigned and returns int.
      const auto chunk = static_cast<unsigned>(std::min<std::size_t>(n - total, 1u << 30));
      const int got = gzread(file_, out + total, chunk);
      if (got < 0) {
        int code = Z_OK;
        std::string message = gzerror(file_, &code);
        // zlib puts the path in front of its message; data_error adds it already.
        const std::string prefix = path_.string() + ": ";
        if (message.starts_with(prefix)) message.erase(0, prefix.size());
        throw data_error(path_, "cannot decompress (corrupt gzip data?): " + message);
      }
      if (got == 0) break;
      total += static_cast<std::size_t>(got);
    }
    return total;
  }

  // True when a gzip stream stopped mid-way, as opposed to a complete file that is too short.
  bool gzip_ended_early() {
    int code = Z_OK;
    gzerror(file_, &code);
    return code == Z_BUF_ERROR;
  }

  std::uintmax_t size_on_disk() const noexcept { return size_on_disk_; }

  // Random access, for streaming (ctnn::idx_dataset): cheap on plain files only; zlib emulates
  // a backward seek in a gzip stream by decompressing again from the start.
  bool compressed() { return gzdirect(file_) == 0; }
  void seek(std::size_t offset) {
    if (gzseek(file_, static_cast<z_off_t>(offset), SEEK_SET) < 0)
      throw data_error(path_, "cannot seek to byte " + std::to_string(offset));
  }

 private:
  gzFile file_ = nullptr;
  std::filesystem::path path_;
  std::uintmax_t size_on_disk_ = 0;
};

inline std::string idx_hex(std::uint32_t value, int digits) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%0*X", digits, static_cast<unsigned>(value));
  return text;
}

inline const char* idx_type_name(std::uint8_t code) {
  switch (code) {
    case 0x08: return "unsigned byte";
    case 0x09: return "signed byte";
    case 0x0B: return "int16";
    case 0x0C: return "int32";
    case 0x0D: return "float32";
    case 0x0E: return "float64";
    default: return nullptr;
  }
}

// "28x28 (784 values)", or "784 values" for rank 1.
template <class Dims>
std::string idx_shape_text(const Dims& dims, std::size_t size) {
  const std::string values = std::to_string(size) + (size == 1 ? " value" : " values");
  if (dims.size() == 1) return values;
  std::string text;
  for (std::size_t d : dims) text += (text.empty() ? "" : "x") + std::to_string(d);
  return text + " (" + values + ")";
}

// The largest element count a float buffer may have; beyond it a header is not worth reading.
inline constexpr std::size_t idx_max_values =
    static_cast<std::size_t>(std::numeric_limits<std::ptrdiff_t>::max()) / sizeof(float);

struct idx_header {
  std::size_t count = 0;               // first dimension: images or labels
  std::vector<std::size_t> item_dims;  // the other dimensions: one image
  std::size_t item_size = 1;           // product of item_dims
  std::size_t header_bytes = 0;
};

enum class idx_content { images, labels };

inline idx_header read_idx_header(idx_input& in, const std::filesystem::path& path,
                                  idx_content content) {
  const bool images = content == idx_content::images;
  const std::string expected =
      images ? "0x00000803 (unsigned-byte images; any unsigned-byte IDX file of rank 2 or more)"
             : "0x00000801 (unsigned-byte labels)";

  std::array<unsigned char, 4> m{};
  const std::size_t got = in.read(m.data(), 4);
  if (got == 0) throw data_error(path, "truncated: the file is empty (expected an IDX header)");
  if (got < 4)
    throw data_error(path, "truncated: the IDX magic number needs 4 bytes, only " +
                               std::to_string(got) + " could be read");
  const std::uint32_t magic = std::uint32_t{m[0]} << 24 | std::uint32_t{m[1]} << 16 |
                              std::uint32_t{m[2]} << 8 | std::uint32_t{m[3]};
  const char* type = idx_type_name(m[2]);
  if (m[0] != 0 || m[1] != 0 || type == nullptr)
    throw data_error(path, "wrong magic number " + idx_hex(magic, 8) +
                               " (not an IDX file); expected " + expected);
  if (m[2] != 0x08)
    throw data_error(path, "wrong data type: magic number " + idx_hex(magic, 8) + " declares " +
                               type + " values (" + idx_hex(m[2], 2) +
                               "); only unsigned bytes (0x08) are supported, magic " + expected);
  const std::size_t rank = m[3];
  if (images ? rank < 2 : rank != 1)
    throw data_error(path, "wrong magic number " + idx_hex(magic, 8) + ": a rank-" +
                               std::to_string(rank) + " IDX file (" +
                               (rank == 1   ? "labels?"
                                : rank == 0 ? "no sample count"
                                            : "images?") +
                               "); expected " + expected);

  idx_header h;
  h.header_bytes = 4 + 4 * rank;
  std::vector<unsigned char> raw(4 * rank);
  const std::size_t got_dims = in.read(raw.data(), raw.size());
  if (got_dims < raw.size())
    throw data_error(path, "truncated: the rank-" + std::to_string(rank) + " IDX header needs " +
                               std::to_string(h.header_bytes) + " bytes, only " +
                               std::to_string(4 + got_dims) + " could be read");
  std::vector<std::size_t> dims(rank);
  for (std::size_t d = 0; d < rank; ++d)
    dims[d] = std::size_t{raw[4 * d]} << 24 | std::size_t{raw[4 * d + 1]} << 16 |
              std::size_t{raw[4 * d + 2]} << 8 | std::size_t{raw[4 * d + 3]};
  h.count = dims[0];
  h.item_dims.assign(dims.begin() + 1, dims.end());

  bool absurd = false;
  for (std::size_t d : h.item_dims) {
    if (d != 0 && h.item_size > idx_max_values / d)
      absurd = true;
    else
      h.item_size *= d;
  }
  if (!absurd && h.item_size != 0 && h.count > idx_max_values / h.item_size) absurd = true;
  if (absurd) {
    std::string sizes;
    for (std::size_t d : dims) sizes += (sizes.empty() ? "" : "x") + std::to_string(d);
    throw data_error(path, "absurd sizes in the IDX header: " + sizes +
                               " is more values than any memory holds (not an IDX file?)");
  }
  return h;
}

// The bytes after the header: exactly count * item_size of them, or a data_error.
inline std::vector<std::uint8_t> read_idx_payload(idx_input& in, const std::filesystem::path& path,
                                                  const idx_header& h, const std::string& items,
                                                  const std::string& item_word) {
  const std::size_t expected = h.count * h.item_size;
  // Grow with what is actually there, never to what the header claims up front.
  const std::size_t first_chunk = static_cast<std::size_t>(std::min<std::uintmax_t>(
      expected, std::max<std::uintmax_t>(std::uintmax_t{1} << 20, in.size_on_disk())));
  std::vector<std::uint8_t> bytes;
  std::size_t got = 0;
  while (got < expected) {
    if (got == bytes.size()) bytes.resize(got == 0 ? first_chunk : std::min(expected, 2 * got));
    const std::size_t want = bytes.size() - got;
    const std::size_t n = in.read(bytes.data() + got, want);
    got += n;
    if (n < want) break;
  }
  if (got < expected) {
    const std::size_t whole = h.item_size == 0 ? 0 : got / h.item_size;
    throw data_error(
        path, "truncated: the header declares " + items + " (" + std::to_string(expected) +
                  " bytes after the " + std::to_string(h.header_bytes) + "-byte header) but only " +
                  std::to_string(got) + " bytes follow it (" + std::to_string(whole) + " whole " +
                  item_word + ")" + (in.gzip_ended_early() ? "; the gzip stream ends early" : ""));
  }
  // Extra bytes mean the header does not describe this file; reading on also makes zlib check
  // the gzip trailer's CRC.
  unsigned char extra = 0;
  if (in.read(&extra, 1) != 0)
    throw data_error(path, "more data follows the " + items + " the header declares (" +
                               std::to_string(expected) +
                               " bytes): wrong header, or not an IDX file?");
  return bytes;
}

}  // namespace detail

// Images as floats in [0, 1] (value / 255), in file order. Only the number of values per image
// must match Dims...: IDX is row-major, which for one channel is also channels-last, so
// load_idx_images<28, 28, 1> and load_idx_images<784> both read MNIST.
template <std::size_t... Dims>
samples<Dims...> load_idx_images(const std::filesystem::path& path) {
  using result = samples<Dims...>;
  detail::idx_input in(path);
  const auto h = detail::read_idx_header(in, path, detail::idx_content::images);
  if (h.item_size != result::sample_size)
    throw data_error(path,
                     "each image is " + detail::idx_shape_text(h.item_dims, h.item_size) +
                         " but the network input needs " +
                         detail::idx_shape_text(result::sample_shape::dims, result::sample_size));
  const auto bytes = detail::read_idx_payload(
      in, path, h,
      std::to_string(h.count) + " images of " + detail::idx_shape_text(h.item_dims, h.item_size),
      "images");
  result out(h.count);
  std::transform(bytes.begin(), bytes.end(), out.data(),
                 [](std::uint8_t b) { return static_cast<float>(b) / 255.0f; });
  return out;
}

// Class labels as stored (0..255); see to_categorical for the one-hot form a network trains on.
inline std::vector<std::uint8_t> load_idx_labels(const std::filesystem::path& path) {
  detail::idx_input in(path);
  const auto h = detail::read_idx_header(in, path, detail::idx_content::labels);
  return detail::read_idx_payload(in, path, h, std::to_string(h.count) + " labels", "labels");
}

}  // namespace ctnn
