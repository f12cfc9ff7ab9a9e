#pragma once
// NumPy's .npy format (numpy.lib.format, versions 1.0 to 3.0): parsing with every length and
// the header's Python-literal dictionary checked, and writing version 1.0 with the data aligned
// to 64 bytes as NumPy does. ctnn reads float32 and float64 (either byte order, converted to
// float) in C order; anything else is refused with the dtype named.
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "../io_error.hpp"
#include "byte_io.hpp"
#include "weight_format.hpp"

namespace ctnn::detail {

inline constexpr std::string_view npy_magic = "\x93NUMPY";
inline constexpr std::size_t npy_max_rank = 32;

struct npy_array {
  std::string descr;
  bool fortran_order = false;
  std::vector<std::uint64_t> shape;
  std::uint64_t count = 1;
  std::span<const std::byte> data;
};

inline std::string npy_shape_text(const std::vector<std::uint64_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

// "<f4" -> 4 and " (float32)"; 0 for what ctnn cannot size (objects, malformed descriptors).
inline std::uint64_t npy_item_size(std::string_view d) {
  if (d.size() < 3 || d.size() > 6 || (d[0] != '<' && d[0] != '>' && d[0] != '|' && d[0] != '=')) return 0;
  std::uint64_t n = 0;
  for (char c : d.substr(2)) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  switch (d[1]) {
    case 'f': case 'i': case 'u': case 'b': case 'c': case 'S': case 'V': return n;
    case 'U': return 4 * n;
    default: return 0;
  }
}
inline std::string npy_descr_meaning(std::string_view d) {
  const std::uint64_t size = npy_item_size(d);
  if (size == 0) return "";
  const std::string bits = std::to_string(8 * size);
  switch (d[1]) {
    case 'f': return " (float" + bits + ")";
    case 'i': return " (int" + bits + ")";
    case 'u': return " (uint" + bits + ")";
    case 'b': return " (bool)";
    case 'c': return " (complex" + bits + ")";
    default: return " (strings or records)";
  }
}

// The header dictionary: {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
class npy_header_parser {
 public:
  npy_header_parser(std::string_view text, const std::string& source, const std::string& what)
      : s_(text), source_(source), what_(what) {}

  npy_array parse() {
    npy_array a;
    bool has_descr = false, has_order = false, has_shape = false;
    expect('{');
    while (true) {
      skip();
      if (peek() == '}') break;
      const std::string key = quoted();
      expect(':');
      if (key == "descr" && !has_descr) {
        a.descr = quoted();
        has_descr = true;
      } else if (key == "fortran_order" && !has_order) {
        skip();
        if (s_.substr(i_, 4) == "True") a.fortran_order = true, i_ += 4;
        else if (s_.substr(i_, 5) == "False") i_ += 5;
        else fail("True or False for 'fortran_order'");
        has_order = true;
      } else if (key == "shape" && !has_shape) {
        expect('(');
        while (true) {
          skip();
          if (peek() == ')') break;
          std::uint64_t v = 0;
          std::size_t digits = 0;
          while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
            if (v > (UINT64_MAX - 9) / 10) fail("a dimension below 2^64");
            v = v * 10 + static_cast<std::uint64_t>(s_[i_++] - '0');
            ++digits;
          }
          if (digits == 0) fail("a non-negative integer in 'shape'");
          if (peek() == 'L') ++i_;  // Python 2's long suffix
          if (a.shape.size() == npy_max_rank) fail("at most " + std::to_string(npy_max_rank) + " dimensions");
          a.shape.push_back(v);
          skip();
          if (peek() == ',') ++i_;
          else if (peek() != ')') fail("',' or ')' in 'shape'");
        }
        ++i_;
        has_shape = true;
      } else {
        fail("only the keys 'descr', 'fortran_order' and 'shape', once each (found '" + key + "')");
      }
      skip();
      if (peek() == ',') ++i_;
      else if (peek() != '}') fail("',' or '}'");
    }
    if (!has_descr || !has_order || !has_shape) fail("the keys 'descr', 'fortran_order' and 'shape'");
    return a;
  }

 private:
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  void skip() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  void expect(char c) {
    skip();
    if (peek() != c) fail(std::string("'") + c + "'");
    ++i_;
  }
  std::string quoted() {
    skip();
    const char q = peek();
    if (q != '\'' && q != '"') fail("a quoted string");
    const std::size_t end = s_.find(q, i_ + 1);
    if (end == std::string_view::npos || end - i_ > 64) fail("a closing quote");
    std::string text(s_.substr(i_ + 1, end - i_ - 1));
    i_ = end + 1;
    return text;
  }
  [[noreturn]] void fail(const std::string& expected) const {
    const std::string shown(s_.substr(i_, 24));
    throw io_error(io_error::reason::corrupt, source_, what_ + ": header at character " + std::to_string(i_),
                   expected, shown.empty() ? "the end of the header" : "'" + shown + "'",
                   "the .npy header is not a dictionary NumPy writes");
  }
  std::string_view s_;
  std::size_t i_ = 0;
  const std::string& source_;
  const std::string& what_;
};

// The largest header ctnn reads. NumPy writes a few hundred bytes, and since NumPy 1.24 refuses
// headers over 10000 bytes by default; a longer one is damage, refused before it is read.
inline constexpr std::size_t npy_max_header_length = std::size_t{1} << 16;

// How many bytes of a .npy file come before its data: magic, version, header length and header,
// read from its first 12 bytes (fewer where the file is shorter; then it is truncated).
inline std::size_t npy_data_offset(std::span<const std::byte> first, const std::string& source, const std::string& what) {
  using reason = io_error::reason;
  const std::size_t head = std::min(first.size(), npy_magic.size());
  for (std::size_t i = 0; i < head; ++i)
    if (static_cast<char>(first[i]) != npy_magic[i])
      throw io_error(reason::bad_magic, source, what + ": magic string",
                     bytes_text(std::as_bytes(std::span(npy_magic.data(), npy_magic.size()))),
                     bytes_text(first.first(head)), "not a NumPy .npy file");
  byte_reader r(first, source, reason::truncated, what + ": ");
  r.take(npy_magic.size(), "magic string");
  const std::uint8_t major = r.u8("format version"), minor = r.u8("format version");
  if (major < 1 || major > 3)
    throw io_error(reason::unsupported_version, source, what + ": format version", "1.0, 2.0 or 3.0",
                   std::to_string(major) + "." + std::to_string(minor));
  const std::size_t header_length = major == 1 ? r.u16("header length") : r.u32("header length");
  if (header_length > npy_max_header_length)
    throw io_error(reason::corrupt, source, what + ": header length",
                   "at most " + std::to_string(npy_max_header_length) + " bytes", std::to_string(header_length),
                   "the .npy header is damaged");
  return r.position() + header_length;
}

// Parses the header of a .npy file from its first npy_data_offset bytes (or more): dtype, order,
// shape and element count, every part checked. data is left empty.
inline npy_array parse_npy_header(std::span<const std::byte> bytes, const std::string& source, const std::string& what) {
  using reason = io_error::reason;
  const std::size_t data_at = npy_data_offset(bytes.first(std::min<std::size_t>(bytes.size(), 12)), source, what);
  byte_reader r(bytes, source, reason::truncated, what + ": ");
  r.take(data_at, "header");  // the whole header is there (else: truncated)
  const std::size_t header_start = bytes[6] == std::byte{1} ? 10 : 12;
  const std::string_view header(reinterpret_cast<const char*>(bytes.data()) + header_start, data_at - header_start);
  npy_array a = npy_header_parser(header, source, what).parse();
  const std::uint64_t item = npy_item_size(a.descr);
  if (item == 0)
    throw io_error(reason::dtype_mismatch, source, what + ": dtype", "float32 or float64 ('<f4', '<f8')",
                   "'" + a.descr + "'", "convert with array.astype(numpy.float32)");
  bool overflow = false;
  for (std::uint64_t d : a.shape) {
    if (d != 0 && a.count > UINT64_MAX / 8 / d) overflow = true;
    else a.count *= d;
  }
  if (!overflow && a.count > UINT64_MAX / item) overflow = true;
  if (overflow)
    throw io_error(reason::corrupt, source, what + ": shape", "fewer than 2^61 values", npy_shape_text(a.shape),
                   "the shape is absurd");
  return a;
}

// Bytes of a whole .npy file with this header: header and data.
inline std::uint64_t npy_file_size(const npy_array& header, std::size_t data_offset) {
  return data_offset + header.count * npy_item_size(header.descr);
}

// Parses a whole .npy file; `what` names it in errors ("file", "entry 'dense/kernel.npy'").
inline npy_array parse_npy(std::span<const std::byte> bytes, const std::string& source, const std::string& what) {
  using reason = io_error::reason;
  npy_array a = parse_npy_header(bytes, source, what);
  const std::size_t data_at = npy_data_offset(bytes.first(std::min<std::size_t>(bytes.size(), 12)), source, what);
  const std::uint64_t need = a.count * npy_item_size(a.descr), remaining = bytes.size() - data_at;
  if (need > remaining)
    throw io_error(reason::truncated, source, what + ": data",
                   std::to_string(need) + " bytes for shape " + npy_shape_text(a.shape),
                   std::to_string(remaining) + " bytes", "the array is truncated");
  if (need < remaining)
    throw io_error(reason::corrupt, source, what + ": data",
                   std::to_string(need) + " bytes for shape " + npy_shape_text(a.shape),
                   std::to_string(remaining) + " bytes", "data follows the array");
  a.data = bytes.subspan(data_at, static_cast<std::size_t>(need));
  return a;
}

// Throws unless the array holds float32 or float64 values.
inline void require_float_npy(const npy_array& a, const std::string& source, const std::string& what) {
  if (a.descr != "<f4" && a.descr != ">f4" && a.descr != "<f8" && a.descr != ">f8")
    throw io_error(io_error::reason::dtype_mismatch, source, what + ": dtype", "float32 or float64 ('<f4', '<f8')",
                   "'" + a.descr + "'" + npy_descr_meaning(a.descr), "convert with array.astype(numpy.float32)");
}

// The values of a float32 or float64 array as T, in C order (a Fortran-ordered array -- what
// numpy.save writes for a transposed array -- is reordered; float64 to float rounds to nearest).
template <class T>
void npy_convert(const npy_array& a, T* out) {
  const bool big = a.descr[0] == '>';
  const bool f8 = a.descr[2] == '8';
  const int n = f8 ? 8 : 4;
  auto value = [&](std::uint64_t i) {
    const std::byte* p = a.data.data() + i * static_cast<std::uint64_t>(n);
    std::uint64_t bits = 0;
    for (int b = 0; b < n; ++b) {
      const auto byte = static_cast<std::uint64_t>(p[b]);
      bits |= big ? byte << (8 * (n - 1 - b)) : byte << (8 * b);
    }
    return f8 ? static_cast<T>(std::bit_cast<double>(bits))
              : static_cast<T>(std::bit_cast<float>(static_cast<std::uint32_t>(bits)));
  };
  if (!a.fortran_order || a.shape.size() < 2) {
    for (std::uint64_t i = 0; i < a.count; ++i) out[i] = value(i);
    return;
  }
  // Storage order runs the first index fastest; walk it with an odometer, writing each value at
  // its C-order position.
  const std::size_t rank = a.shape.size();
  std::vector<std::uint64_t> stride(rank, 1), index(rank, 0);
  for (std::size_t d = rank - 1; d-- > 0;) stride[d] = stride[d + 1] * a.shape[d + 1];
  std::uint64_t at = 0;
  for (std::uint64_t i = 0; i < a.count; ++i) {
    out[at] = value(i);
    for (std::size_t d = 0; d < rank; ++d) {
      if (++index[d] < a.shape[d]) {
        at += stride[d];
        break;
      }
      at -= (a.shape[d] - 1) * stride[d];
      index[d] = 0;
    }
  }
}
inline void npy_to_floats(const npy_array& a, float* out) { npy_convert(a, out); }

inline void write_npy_header(byte_writer& w, std::string_view descr, std::span<const std::uint64_t> shape) {
  std::string header = "{'descr': '" + std::string(descr) + "', 'fortran_order': False, 'shape': (";
  for (std::size_t i = 0; i < shape.size(); ++i) header += (i ? ", " : "") + std::to_string(shape[i]);
  header += shape.size() == 1 ? ",), }" : "), }";
  // NumPy pads with spaces and a final newline so that the data starts at a multiple of 64.
  const std::size_t unpadded = npy_magic.size() + 2 + 2 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  w.text(npy_magic);
  w.u8(1);
  w.u8(0);
  w.u16(static_cast<std::uint16_t>(header.size()));
  w.text(header);
}

// A version 1.0 .npy of float32 ('<f4') or float64 ('<f8') values.
inline void write_npy(byte_writer& w, std::span<const std::uint64_t> shape, std::span<const float> values) {
  write_npy_header(w, "<f4", shape);
  w.floats(values);
}
inline void write_npy(byte_writer& w, std::span<const std::uint64_t> shape, std::span<const double> values) {
  write_npy_header(w, "<f8", shape);
  w.doubles(values);
}
// Raw bytes as a 1-D '|u1' array (metadata such as the network description).
inline void write_npy_bytes(byte_writer& w, std::string_view bytes) {
  const std::uint64_t shape[1] = {bytes.size()};
  write_npy_header(w, "|u1", shape);
  w.text(bytes);
}

}  // namespace ctnn::detail
