#pragma once
// Tests that a reader refuses a FIFO (named pipe) instead of waiting on it.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

namespace ctnn_test {

// Runs f, which must refuse `fifo` without blocking: were it to open the FIFO for reading and
// wait, a writer opened here after 5 s ends the wait, so that the test fails instead of hanging.
template <class F>
void refuses_without_blocking(const std::filesystem::path& fifo, F&& f) {
  struct watchdog {
    const std::filesystem::path& fifo;
    std::atomic<bool> done{false};
    std::thread unblock{[this] {
      for (int i = 0; i < 500 && !done; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      if (done) return;
      const int fd = ::open(fifo.c_str(), O_WRONLY);
      if (fd >= 0) ::close(fd);
    }};
    ~watchdog() {  // also when f's assertion throws
      done = true;
      unblock.join();
    }
  } guard{fifo};
  const auto start = std::chrono::steady_clock::now();
  f();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(4));
}

}  // namespace ctnn_test
