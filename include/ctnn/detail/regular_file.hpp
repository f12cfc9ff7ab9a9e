#pragma once
// Opening a file for reading only when it is a regular one (POSIX), for every reader of ctnn:
// without blocking (opening a FIFO must not wait for a writer), then fstat. A FIFO, a device
// such as /dev/zero, a socket or a directory is refused by its kind instead of hanging or
// growing without bound; the size it had when opened bounds what a reader takes from it.
#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <utility>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ctnn::detail {

// A file descriptor closed on scope exit.
class unique_fd {
 public:
  explicit unique_fd(int fd = -1) noexcept : fd_(fd) {}
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  unique_fd(unique_fd&& other) noexcept : fd_(other.release()) {}
  unique_fd& operator=(unique_fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = other.release();
    }
    return *this;
  }
  ~unique_fd() { reset(); }
  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }
  // Gives up ownership (to gzdopen, say).
  int release() noexcept {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  // Closes now and reports close()'s error (NFS reports write errors there).
  int close() noexcept {
    const int fd = release();
    return fd < 0 ? 0 : ::close(fd);
  }
  void reset() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

inline std::string errno_text(int error) { return std::generic_category().message(error); }

// "a FIFO (named pipe)", "a directory", ... for a file that is not a regular one.
inline std::string file_type_text(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// The outcome of open_regular_file: fd is valid only for a regular file; otherwise error is the
// errno of a failed open (ENOENT: no such file) or fstat, or 0 with mode saying what it is.
struct regular_file {
  unique_fd fd;
  std::uintmax_t size = 0;
  int error = 0;
  mode_t mode = 0;
};

inline regular_file open_regular_file(const std::filesystem::path& path) {
  regular_file f;
  unique_fd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (!fd) {
    f.error = errno;
    return f;
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    f.error = errno;
    return f;
  }
  f.mode = st.st_mode;
  if (!S_ISREG(st.st_mode)) return f;
  f.size = static_cast<std::uintmax_t>(st.st_size);
  f.fd = std::move(fd);
  return f;
}

}  // namespace ctnn::detail
