#pragma once
// ctnn::io_error: a weight file, archive or tensor that cannot be used as asked. It says which
// file, which field or tensor, what was expected and what was found, so that the message alone
// tells what to fix; the parts are also available separately for programs that react to them.
#include <memory>
#include <stdexcept>
#include <string>

namespace ctnn {

class io_error : public std::runtime_error {
 public:
  // What went wrong, for callers that react differently (retry, fall back, report).
  enum class reason {
    cannot_open,           // missing, unreadable or unwritable file
    truncated,             // fewer bytes than the format or the header says
    bad_magic,             // not a file of this format
    unsupported_version,   // written by a newer ctnn (or a corrupt version field)
    bad_checksum,          // the bytes were changed after writing
    corrupt,               // structurally invalid: bad lengths, duplicate names, absurd sizes
    network_mismatch,      // the weights belong to another network type
    missing_tensor,        // a tensor the network needs is not in the file
    unexpected_tensor,     // the file holds a tensor the network does not have
    shape_mismatch,        // a tensor of the right name but another shape
    dtype_mismatch,        // a tensor of an element type ctnn does not read there
    non_finite,            // NaN or infinity where values must be finite
    test_vector_mismatch,  // the loaded model does not reproduce the file's test vector
    optimizer_mismatch,    // optimizer state was required but is missing or for another optimizer
    invalid_argument,      // the call itself is wrong (e.g. a test vector of the wrong size)
  };

  // what() is "<source>: <field>: expected <expected>, found <found>" (the last two parts only
  // when given), followed by "; <hint>" when there is one.
  io_error(reason why, const std::string& source, const std::string& field,
           const std::string& expected, const std::string& found, const std::string& hint = {})
      : std::runtime_error(compose(source, field, expected, found, hint)),
        parts_(std::make_shared<const parts>(parts{why, source, field, expected, found})) {}

  reason why() const noexcept { return parts_->why; }
  // The file ("<memory>" for load_from_memory), the field or tensor, and the two values.
  const std::string& source() const noexcept { return parts_->source; }
  const std::string& field() const noexcept { return parts_->field; }
  const std::string& expected() const noexcept { return parts_->expected; }
  const std::string& found() const noexcept { return parts_->found; }

 private:
  struct parts {
    reason why;
    std::string source, field, expected, found;
  };

  static std::string compose(const std::string& source, const std::string& field,
                             const std::string& expected, const std::string& found,
                             const std::string& hint) {
    std::string text = source + ": " + field;
    if (!expected.empty() || !found.empty()) text += ": expected " + expected + ", found " + found;
    if (!hint.empty()) text += "; " + hint;
    return text;
  }

  // Shared, not held by value, so that copying the exception cannot throw.
  std::shared_ptr<const parts> parts_;
};

}  // namespace ctnn
