#pragma once
// A fresh temporary directory per object, removed with everything in it at scope exit. Its name
// holds the process id, a clock tick and a random number, so test processes run in parallel
// (ctest -j) never share one.
#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <system_error>

#include <unistd.h>

namespace ctnn_test {

class temp_dir {
 public:
  explicit temp_dir(const std::string& prefix = "ctnn-test") {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
           (prefix + "-" + std::to_string(::getpid()) + "-" +
            std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const noexcept { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace ctnn_test
