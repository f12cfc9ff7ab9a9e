#pragma once
// Little-endian byte buffers for ctnn's file formats: a growing writer, a bounds-checked reader
// that reports running out as an io_error naming the field, and CRC-32 (files: file_io.hpp).
// Everything is explicit byte order, so files are the same on every host.
#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <zlib.h>

#include "../io_error.hpp"
#include "file_io.hpp"

namespace ctnn::detail {

inline std::uint32_t crc32_of(std::span<const std::byte> bytes, std::uint32_t crc = 0) {
  uLong c = crc;
  while (!bytes.empty()) {
    // zlib counts in uInt; feed at most 1 GiB at a time.
    const std::size_t n = std::min<std::size_t>(bytes.size(), std::size_t{1} << 30);
    c = ::crc32(c, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(n));
    bytes = bytes.subspan(n);
  }
  return static_cast<std::uint32_t>(c);
}

inline std::string hex(std::uint64_t value, int digits) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%0*llX", digits, static_cast<unsigned long long>(value));
  return text;
}

// "89 43 54 4E" for bytes, with printable ASCII shown after: 89 43 54 4E ('.CTN').
inline std::string bytes_text(std::span<const std::byte> bytes) {
  std::string hexes, ascii;
  for (std::byte b : bytes) {
    char two[4];
    std::snprintf(two, sizeof two, "%02X", static_cast<unsigned>(b));
    hexes += (hexes.empty() ? "" : " ") + std::string(two);
    const auto c = static_cast<unsigned char>(b);
    ascii += (c >= 0x20 && c < 0x7F) ? static_cast<char>(c) : '.';
  }
  return hexes + " ('" + ascii + "')";
}

class byte_writer {
 public:
  void u8(std::uint8_t v) { out_.push_back(static_cast<std::byte>(v)); }
  void u16(std::uint16_t v) { uint(v, 2); }
  void u32(std::uint32_t v) { uint(v, 4); }
  void u64(std::uint64_t v) { uint(v, 8); }
  void f64(double v) { u64(std::bit_cast<std::uint64_t>(v)); }
  void text(std::string_view s) {
    for (char c : s) out_.push_back(static_cast<std::byte>(c));
  }
  void bytes(std::span<const std::byte> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void floats(std::span<const float> values) {
    const std::size_t at = out_.size();
    out_.resize(at + 4 * values.size());
    if constexpr (std::endian::native == std::endian::little) {
      if (!values.empty()) std::memcpy(out_.data() + at, values.data(), 4 * values.size());
    } else {
      for (std::size_t i = 0; i < values.size(); ++i) put_at(at + 4 * i, std::bit_cast<std::uint32_t>(values[i]), 4);
    }
  }
  void doubles(std::span<const double> values) {
    for (double v : values) u64(std::bit_cast<std::uint64_t>(v));
  }
  // Overwrites 4 or 8 bytes written earlier (sizes known only at the end).
  void patch_u32(std::size_t at, std::uint32_t v) { put_at(at, v, 4); }
  void patch_u64(std::size_t at, std::uint64_t v) { put_at(at, v, 8); }
  std::size_t size() const noexcept { return out_.size(); }
  std::span<const std::byte> view() const noexcept { return out_; }
  byte_vector take() && { return std::move(out_); }

 private:
  void uint(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_.push_back(static_cast<std::byte>(v >> (8 * i)));
  }
  void put_at(std::size_t at, std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_[at + static_cast<std::size_t>(i)] = static_cast<std::byte>(v >> (8 * i));
  }
  byte_vector out_;
};

inline std::uint64_t load_le(const std::byte* p, int n) {
  std::uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = v << 8 | static_cast<std::uint64_t>(p[i]);
  return v;
}

// Reads fields in order; running out throws io_error(`short_reason`) naming the field. At file
// level running out means the file is truncated; inside a record whose length was declared it
// means the record is corrupt.
class byte_reader {
 public:
  byte_reader(std::span<const std::byte> bytes, const std::string& source, io_error::reason short_reason,
              std::string context = {})
      : bytes_(bytes), source_(source), short_(short_reason), context_(std::move(context)) {}

  std::uint8_t u8(std::string_view field) { return static_cast<std::uint8_t>(take(1, field)[0]); }
  std::uint16_t u16(std::string_view field) { return static_cast<std::uint16_t>(load_le(take(2, field).data(), 2)); }
  std::uint32_t u32(std::string_view field) { return static_cast<std::uint32_t>(load_le(take(4, field).data(), 4)); }
  std::uint64_t u64(std::string_view field) { return load_le(take(8, field).data(), 8); }
  double f64(std::string_view field) { return std::bit_cast<double>(u64(field)); }
  std::span<const std::byte> take(std::size_t n, std::string_view field) {
    if (n > remaining())
      throw io_error(short_, source_, context_ + std::string(field),
                     std::to_string(n) + (n == 1 ? " byte" : " bytes") + " at offset " + std::to_string(pos_),
                     std::to_string(remaining()) + (remaining() == 1 ? " byte" : " bytes"),
                     short_ == io_error::reason::truncated ? "the file is truncated" : "");
    const auto s = bytes_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  std::string text(std::size_t n, std::string_view field) {
    const auto s = take(n, field);
    return std::string(reinterpret_cast<const char*>(s.data()), s.size());
  }
  std::size_t remaining() const noexcept { return bytes_.size() - pos_; }
  std::size_t position() const noexcept { return pos_; }

 private:
  std::span<const std::byte> bytes_;
  std::size_t pos_ = 0;
  const std::string& source_;
  io_error::reason short_;
  std::string context_;
};

// Little-endian float32 values from raw bytes (any alignment).
inline void floats_from_le(std::span<const std::byte> bytes, float* out) {
  const std::size_t n = bytes.size() / 4;
  if constexpr (std::endian::native == std::endian::little) {
    if (n != 0) std::memcpy(out, bytes.data(), 4 * n);
  } else {
    for (std::size_t i = 0; i < n; ++i)
      out[i] = std::bit_cast<float>(static_cast<std::uint32_t>(load_le(bytes.data() + 4 * i, 4)));
  }
}

// Little-endian float64 values from raw bytes (any alignment).
inline void doubles_from_le(std::span<const std::byte> bytes, double* out) {
  for (std::size_t i = 0; i < bytes.size() / 8; ++i) out[i] = std::bit_cast<double>(load_le(bytes.data() + 8 * i, 8));
}

}  // namespace ctnn::detail
