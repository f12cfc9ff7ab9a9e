#pragma once
// Whole-file reading and writing for ctnn's loaders and savers (POSIX).
//
// read_whole_file reads only a regular file (detail/regular_file.hpp), at most as many bytes as it
// had when opened.
//
// write_whole_file replaces a file atomically and durably: the bytes go to a temporary file of a
// unique name (mkstemp) in the target's directory, which gets the replaced file's permissions
// (and owner, where the caller may set it) -- or, for a new file, 0666 less the umask, as a plain
// open() would -- is fsync'ed and renamed over the target, and the directory is fsync'ed. A crash,
// a full disk or a concurrent save to the same path never leaves a half-written file where a good
// one was. Symbolic links are followed: saving through a link replaces the file it points to and
// keeps the link (as cp and most editors do).
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../detail/regular_file.hpp"
#include "../io_error.hpp"

namespace ctnn::detail {

using byte_vector = std::vector<std::byte>;

inline byte_vector read_whole_file(const std::filesystem::path& path) {
  using reason = io_error::reason;
  const std::string source = path.string();
  regular_file file = open_regular_file(path);
  if (!file.fd) {
    if (file.error == ENOENT) throw io_error(reason::cannot_open, source, "file", "an existing file", "no such file");
    if (file.error != 0)
      throw io_error(reason::cannot_open, source, "file", "a readable file", "cannot open it: " + errno_text(file.error));
    throw io_error(reason::cannot_open, source, "file", "a regular file", file_type_text(file.mode));
  }
  const unique_fd& fd = file.fd;
  // The size when opened bounds what is read: a file that grows meanwhile is read as it was.
  byte_vector bytes(static_cast<std::size_t>(file.size));
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ::ssize_t got = ::read(fd.get(), bytes.data() + done, bytes.size() - done);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw io_error(reason::cannot_open, source, "file", "a readable file", "a read error: " + errno_text(errno));
    }
    if (got == 0) break;  // it shrank: what is there is what the format's checks see
    done += static_cast<std::size_t>(got);
  }
  bytes.resize(done);
  return bytes;
}

// The file a path names after following symbolic links (at most 40, as the kernel); a dangling
// link names the file it would create.
inline std::filesystem::path resolve_links(const std::filesystem::path& path) {
  std::filesystem::path p = path;
  for (int hops = 0; hops < 40; ++hops) {
    std::error_code ec;
    if (!std::filesystem::is_symlink(std::filesystem::symlink_status(p, ec))) return p;
    const auto target = std::filesystem::read_symlink(p, ec);
    if (ec) return p;
    p = target.is_absolute() ? target : p.parent_path() / target;
  }
  throw io_error(io_error::reason::cannot_open, path.string(), "file", "a path", "too many levels of symbolic links");
}

// The process's umask, read without changing it where Linux shows it (/proc/self/status);
// elsewhere read by setting and restoring it.
inline mode_t current_umask() {
  if (std::FILE* f = std::fopen("/proc/self/status", "r")) {
    char line[256];
    unsigned value = 0;
    bool found = false;
    while (!found && std::fgets(line, sizeof line, f)) found = std::sscanf(line, "Umask: %o", &value) == 1;
    std::fclose(f);
    if (found) return static_cast<mode_t>(value);
  }
  const mode_t mask = ::umask(022);
  ::umask(mask);
  return mask;
}

inline void write_whole_file(const std::filesystem::path& path, std::span<const std::byte> bytes) {
  using reason = io_error::reason;
  const std::string source = path.string();
  const std::filesystem::path target = resolve_links(path);
  const std::filesystem::path directory = target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path();
  const auto fail = [&](const std::string& expected, const std::string& found) {
    throw io_error(reason::cannot_open, source, "file", expected, found);
  };

  std::string name = (directory / target.filename()).string() + ".partial-XXXXXX";
  unique_fd fd(::mkstemp(name.data()));
  if (!fd) fail("a writable location", "cannot create a temporary file beside it: " + errno_text(errno));
  const auto abandon = [&](const std::string& expected, const std::string& found) {
    fd.reset();
    ::unlink(name.c_str());
    fail(expected, found);
  };

  // Permissions (and, where allowed, owner) of the file being replaced; a new file gets what
  // open(..., 0666) would give it. mkstemp made it 0600.
  struct stat old {};
  const bool replacing = ::stat(target.c_str(), &old) == 0;
  if (replacing && !S_ISREG(old.st_mode)) abandon("a regular file to replace", file_type_text(old.st_mode));
  const mode_t mode = replacing ? (old.st_mode & 07777) : (0666 & ~current_umask());
  if (::fchmod(fd.get(), mode) != 0) abandon("a writable location", "cannot set the permissions: " + errno_text(errno));
  if (replacing && (old.st_uid != ::geteuid() || old.st_gid != ::getegid()))
    (void)!::fchown(fd.get(), old.st_uid, old.st_gid);  // best effort: only privileged callers may

  std::size_t done = 0;
  while (done < bytes.size()) {
    const ::ssize_t put = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
    if (put < 0) {
      if (errno == EINTR) continue;
      abandon(std::to_string(bytes.size()) + " bytes written", "a write error after " + std::to_string(done) +
                                                                   " bytes: " + errno_text(errno));
    }
    done += static_cast<std::size_t>(put);
  }
  if (::fsync(fd.get()) != 0) abandon("the data on disk", "fsync failed: " + errno_text(errno));
  if (fd.close() != 0) {
    const int error = errno;
    ::unlink(name.c_str());
    fail("the data on disk", "close failed: " + errno_text(error));
  }
  if (::rename(name.c_str(), target.c_str()) != 0) {
    const int error = errno;
    ::unlink(name.c_str());
    fail("a writable location", "cannot replace it: " + errno_text(error));
  }
  // The rename itself is durable once the directory is synced. Some file systems cannot sync a
  // directory (EINVAL); the file is in place either way.
  unique_fd dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir) (void)::fsync(dir.get());
}

}  // namespace ctnn::detail
