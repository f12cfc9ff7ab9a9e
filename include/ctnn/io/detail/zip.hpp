#pragma once
// The part of the zip format .npz archives use. Writing: STORED (uncompressed) entries, as
// numpy.savez does. Reading: STORED and DEFLATE entries (numpy.savez_compressed), zip64 size
// fields (numpy forces them on every entry) and the zip64 end record; every offset and size is
// checked against the archive before use, entries are inflated only as far as a reader asks (so a
// header can be checked before the data it declares is allocated), and each entry's CRC-32 is
// verified. Encrypted, multi-disk and other compression methods are refused.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include <zlib.h>

#include "../io_error.hpp"
#include "byte_io.hpp"

namespace ctnn::detail {

struct zip_entry {
  std::string name;
  std::uint16_t method = 0;  // 0 stored, 8 deflate
  std::uint32_t crc = 0;
  std::uint64_t compressed_size = 0, size = 0;
  std::span<const std::byte> data;  // the compressed bytes
};

class zip_writer {
 public:
  void add(const std::string& name, std::span<const std::byte> data) {
    if (data.size() >= 0xFFFFFFFFull || out_.size() >= 0xFFFFFFFFull || name.size() > 0xFFFF || entries_.size() >= 0xFFFF)
      throw io_error(io_error::reason::invalid_argument, "ctnn::save_npz", "entry '" + name + "'",
                     "an archive under 4 GiB with fewer than 65535 entries", "a larger one");
    const std::uint32_t crc = crc32_of(data);
    entries_.push_back({name, crc, static_cast<std::uint32_t>(data.size()), static_cast<std::uint32_t>(out_.size())});
    out_.u32(0x04034b50);
    out_.u16(20);  // version needed: 2.0
    out_.u16(0);   // flags
    out_.u16(0);   // stored
    out_.u16(0);   // time
    out_.u16(0x21);  // date: 1980-01-01
    out_.u32(crc);
    out_.u32(static_cast<std::uint32_t>(data.size()));
    out_.u32(static_cast<std::uint32_t>(data.size()));
    out_.u16(static_cast<std::uint16_t>(name.size()));
    out_.u16(0);
    out_.text(name);
    out_.bytes(data);
  }
  byte_vector finish() && {
    const std::size_t directory = out_.size();
    for (const auto& e : entries_) {
      out_.u32(0x02014b50);
      out_.u16(20);
      out_.u16(20);
      out_.u16(0);
      out_.u16(0);
      out_.u16(0);
      out_.u16(0x21);
      out_.u32(e.crc);
      out_.u32(e.size);
      out_.u32(e.size);
      out_.u16(static_cast<std::uint16_t>(e.name.size()));
      out_.u16(0);
      out_.u16(0);
      out_.u16(0);
      out_.u16(0);
      out_.u32(0);
      out_.u32(e.offset);
      out_.text(e.name);
    }
    const std::size_t directory_size = out_.size() - directory;
    out_.u32(0x06054b50);
    out_.u16(0);
    out_.u16(0);
    out_.u16(static_cast<std::uint16_t>(entries_.size()));
    out_.u16(static_cast<std::uint16_t>(entries_.size()));
    out_.u32(static_cast<std::uint32_t>(directory_size));
    out_.u32(static_cast<std::uint32_t>(directory));
    out_.u16(0);
    return std::move(out_).take();
  }

 private:
  struct entry {
    std::string name;
    std::uint32_t crc, size, offset;
  };
  byte_writer out_;
  std::vector<entry> entries_;
};

inline std::vector<zip_entry> parse_zip(std::span<const std::byte> bytes, const std::string& source) {
  using reason = io_error::reason;
  auto u = [&](std::size_t at, int n) { return load_le(bytes.data() + at, n); };
  auto corrupt = [&](const std::string& field, const std::string& expected, const std::string& found) {
    return io_error(reason::corrupt, source, field, expected, found, "the zip archive is damaged");
  };
  if (bytes.size() < 4 || u(0, 4) != 0x04034b50) {
    if (bytes.size() >= 4 && u(0, 4) == 0x06054b50) return {};  // an empty archive
    throw io_error(reason::bad_magic, source, "zip signature", "50 4B 03 04 ('PK..', a zip archive)",
                   bytes_text(bytes.first(std::min<std::size_t>(bytes.size(), 4))), "not an .npz (zip) archive");
  }
  // The end record is in the last 22 + 65535 bytes (it ends with a comment of up to 64 KiB).
  std::size_t end = bytes.size();
  bool found_end = false;
  for (std::size_t at = bytes.size() >= 22 ? bytes.size() - 22 + 1 : 0; at-- > 0 && bytes.size() - at <= 22 + 0xFFFF;)
    if (u(at, 4) == 0x06054b50 && at + 22 + u(at + 20, 2) == bytes.size()) {
      end = at;
      found_end = true;
      break;
    }
  if (!found_end)
    throw io_error(reason::truncated, source, "zip end of central directory", "a record at the end of the archive",
                   "none", "the archive is truncated");
  if (u(end + 4, 2) != 0 || u(end + 6, 2) != 0)
    throw io_error(reason::corrupt, source, "zip disk number", "0 (a single-file archive)",
                   std::to_string(u(end + 4, 2)));
  std::uint64_t count = u(end + 10, 2), directory_size = u(end + 12, 4), directory = u(end + 16, 4);
  if (count == 0xFFFF || directory_size == 0xFFFFFFFF || directory == 0xFFFFFFFF) {
    // zip64: a locator just before the end record points at the zip64 end record.
    if (end < 20 || u(end - 20, 4) != 0x07064b50) throw corrupt("zip64 end locator", "a locator", "none");
    const std::uint64_t at = u(end - 20 + 8, 8);
    if (at > end - 20 || end - 20 - at < 56 || u(static_cast<std::size_t>(at), 4) != 0x06064b50)
      throw corrupt("zip64 end record", "a record before the locator", "offset " + std::to_string(at));
    count = u(static_cast<std::size_t>(at) + 32, 8);
    directory_size = u(static_cast<std::size_t>(at) + 40, 8);
    directory = u(static_cast<std::size_t>(at) + 48, 8);
  }
  if (directory > bytes.size() || directory_size > bytes.size() - directory)
    throw corrupt("zip central directory", "inside the archive (" + std::to_string(bytes.size()) + " bytes)",
                  "offset " + std::to_string(directory) + ", size " + std::to_string(directory_size));
  if (count > directory_size / 46)
    throw corrupt("zip entry count", "at most " + std::to_string(directory_size / 46) + " for the directory size",
                  std::to_string(count));

  std::vector<zip_entry> entries;
  std::unordered_set<std::string> names;
  byte_reader d(bytes.subspan(static_cast<std::size_t>(directory), static_cast<std::size_t>(directory_size)), source,
                reason::corrupt, "zip central directory: ");
  for (std::uint64_t i = 0; i < count; ++i) {
    if (d.u32("entry signature") != 0x02014b50) throw corrupt("zip central directory entry " + std::to_string(i), "signature 50 4B 01 02", "another");
    d.u16("version made by");
    d.u16("version needed");
    const std::uint16_t flags = d.u16("flags");
    zip_entry e;
    e.method = d.u16("method");
    d.u32("time and date");
    e.crc = d.u32("crc");
    e.compressed_size = d.u32("compressed size");
    e.size = d.u32("size");
    const std::uint16_t name_length = d.u16("name length"), extra_length = d.u16("extra length"),
                        comment_length = d.u16("comment length");
    d.u16("disk");
    d.u16("internal attributes");
    d.u32("external attributes");
    std::uint64_t offset = d.u32("local header offset");
    e.name = d.text(name_length, "name");
    byte_reader extra(d.take(extra_length, "extra field"), source, reason::corrupt, "zip entry '" + e.name + "': extra field: ");
    while (extra.remaining() >= 4) {
      const std::uint16_t id = extra.u16("id"), length = extra.u16("length");
      byte_reader field(extra.take(length, "data"), source, reason::corrupt, "zip entry '" + e.name + "': zip64 field: ");
      if (id != 0x0001) continue;
      if (e.size == 0xFFFFFFFF) e.size = field.u64("size");
      if (e.compressed_size == 0xFFFFFFFF) e.compressed_size = field.u64("compressed size");
      if (offset == 0xFFFFFFFF) offset = field.u64("offset");
    }
    d.take(comment_length, "comment");
    const std::string what = "zip entry '" + e.name + "'";
    if (flags & 1) throw io_error(reason::unsupported_version, source, what, "an unencrypted entry", "an encrypted one");
    if (e.method != 0 && e.method != 8)
      throw io_error(reason::unsupported_version, source, what + ": compression method", "0 (stored) or 8 (deflate)",
                     std::to_string(e.method));
    if (!names.insert(e.name).second) throw corrupt(what, "one entry of that name", "a second one");
    if (offset > bytes.size() || bytes.size() - offset < 30 || u(static_cast<std::size_t>(offset), 4) != 0x04034b50)
      throw corrupt(what + ": local header", "a local header inside the archive", "offset " + std::to_string(offset));
    const std::uint64_t data_at = offset + 30 + u(static_cast<std::size_t>(offset) + 26, 2) + u(static_cast<std::size_t>(offset) + 28, 2);
    if (data_at > bytes.size() || e.compressed_size > bytes.size() - data_at)
      throw io_error(reason::truncated, source, what + ": data",
                     std::to_string(e.compressed_size) + " bytes at offset " + std::to_string(data_at),
                     "an archive of " + std::to_string(bytes.size()) + " bytes", "the archive is truncated");
    if (e.method == 0 && e.compressed_size != e.size)
      throw corrupt(what + ": size", std::to_string(e.compressed_size) + " (a stored entry's compressed size)",
                    std::to_string(e.size));
    e.data = bytes.subspan(static_cast<std::size_t>(data_at), static_cast<std::size_t>(e.compressed_size));
    entries.push_back(std::move(e));
  }
  return entries;
}

// An entry's bytes, inflated only as far as they are asked for: prefix(n) gives its first n bytes
// (all of it when shorter), so a reader can check a header -- an .npy entry's shape and dtype --
// before the data it declares is inflated; all() gives the whole entry after checking that the
// stream ends exactly at the entry's size and that its CRC-32 matches. Memory never exceeds what
// was asked for, whatever the stream would expand to.
class zip_entry_reader {
 public:
  zip_entry_reader(const zip_entry& e, const std::string& source) : e_(e), source_(source) {
    if (e.method == 8) {
      // DEFLATE expands at most 1032:1; a larger claim is a lie, found before inflating anything.
      if (e.size > 1032 * e.compressed_size + 1024)
        throw io_error(io_error::reason::corrupt, source, what() + ": size",
                       "at most " + std::to_string(1032 * e.compressed_size + 1024) + " bytes from " +
                           std::to_string(e.compressed_size) + " compressed",
                       std::to_string(e.size), "the zip archive is damaged");
      if (inflateInit2(&z_, -MAX_WBITS) != Z_OK)
        throw io_error(io_error::reason::corrupt, source, what(), "a zlib stream", "zlib could not start");
      started_ = true;
    }
  }
  zip_entry_reader(const zip_entry_reader&) = delete;
  zip_entry_reader& operator=(const zip_entry_reader&) = delete;
  ~zip_entry_reader() {
    if (started_) inflateEnd(&z_);
  }

  std::uint64_t size() const noexcept { return e_.size; }

  std::span<const std::byte> prefix(std::uint64_t n) {
    const auto want = static_cast<std::size_t>(std::min(n, e_.size));
    if (e_.method == 0) return e_.data.first(want);
    inflate_to(want);
    return std::span<const std::byte>(out_).first(want);
  }

  std::span<const std::byte> all() {
    const auto bytes = prefix(e_.size);
    if (e_.method == 8 && !ended_) {
      // The stream must end here: one more byte of output means the entry is longer than its size.
      std::byte extra{};
      const int status = step(&extra, 1);
      if (status != Z_STREAM_END || z_.avail_out == 0)
        throw damaged(std::to_string(e_.size) + " bytes from a complete stream",
                      z_.avail_out == 0 ? "more data than that" : "a broken or truncated stream");
    }
    const std::uint32_t crc = crc32_of(bytes);
    if (crc != e_.crc)
      throw io_error(io_error::reason::bad_checksum, source_, what() + ": CRC-32", hex(e_.crc, 8) + " (stored in the archive)",
                     hex(crc, 8) + " (computed)", "the archive was changed or damaged after it was written");
    return bytes;
  }

 private:
  std::string what() const { return "zip entry '" + e_.name + "'"; }
  io_error damaged(const std::string& expected, const std::string& found) const {
    return io_error(io_error::reason::corrupt, source_, what() + ": deflate data", expected, found,
                    "the zip archive is damaged");
  }
  // One inflate call into [out, out + n); returns zlib's status.
  int step(std::byte* out, std::size_t n) {
    const std::size_t in_chunk = std::min<std::size_t>(e_.data.size() - in_done_, 1u << 30);
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(e_.data.data() + in_done_));
    z_.avail_in = static_cast<uInt>(in_chunk);
    z_.next_out = reinterpret_cast<Bytef*>(out);
    z_.avail_out = static_cast<uInt>(n);
    const int status = inflate(&z_, Z_NO_FLUSH);
    in_done_ += in_chunk - z_.avail_in;
    if (status == Z_STREAM_END) ended_ = true;
    return status;
  }
  void inflate_to(std::size_t want) {
    if (want <= out_.size()) return;
    std::size_t done = out_.size();
    out_.resize(want);
    const auto fail = [&](const std::string& found) {
      out_.resize(done);  // only what was inflated stays
      return damaged(std::to_string(e_.size) + " bytes from a complete stream", found);
    };
    while (done < want) {
      if (ended_) throw fail(std::to_string(done) + " bytes (the stream ended)");
      const std::size_t chunk = std::min<std::size_t>(want - done, 1u << 30);
      const int status = step(out_.data() + done, chunk);
      const std::size_t got = chunk - z_.avail_out;
      done += got;
      if (status != Z_OK && status != Z_STREAM_END) throw fail("a broken or truncated stream");
      if (status == Z_OK && got == 0 && z_.avail_in == 0 && in_done_ == e_.data.size()) throw fail("a truncated stream");
    }
  }

  const zip_entry& e_;
  const std::string& source_;
  z_stream z_{};
  bool started_ = false, ended_ = false;
  std::size_t in_done_ = 0;
  byte_vector out_;
};

}  // namespace ctnn::detail
