// libFuzzer target over the IDX loaders (ctnn::load_idx_images, ctnn::load_idx_labels), plain
// and gzip: every input must load or throw ctnn::data_error. The loaders read files, so each
// input is first written to a scratch file: an in-memory file (memfd, opened by its
// /proc/self/fd path) where Linux has them, which is several times faster than a file on disk.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <ctnn/data/data_error.hpp>
#include <ctnn/data/idx.hpp>

namespace {
struct scratch_file {
  int fd = -1;
  std::string path;
  scratch_file() {
#ifdef MFD_CLOEXEC
    fd = ::memfd_create("ctnn-idx-fuzz", MFD_CLOEXEC);
    if (fd >= 0) path = "/proc/self/fd/" + std::to_string(fd);
#endif
    if (fd < 0) {
      path = (std::filesystem::temp_directory_path() / ("ctnn-idx-fuzz-" + std::to_string(::getpid()))).string();
      fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    }
  }
  bool hold(const std::uint8_t* data, std::size_t size) const {
    if (fd < 0 || ::ftruncate(fd, 0) != 0) return false;
    std::size_t done = 0;
    while (done < size) {
      const ::ssize_t n = ::pwrite(fd, data + done, size - done, static_cast<::off_t>(done));
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    }
    return true;
  }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const scratch_file file;
  if (!file.hold(data, size)) return 0;
  const std::string& path = file.path;
  try {
    (void)ctnn::load_idx_images<2, 2>(path);
  } catch (const ctnn::data_error&) {
  }
  try {
    (void)ctnn::load_idx_labels(path);
  } catch (const ctnn::data_error&) {
  }
  return 0;
}
