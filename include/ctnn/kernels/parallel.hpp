#pragma once
// How many threads ctnn's kernels may use, and the one place that starts them (OpenMP).
//
// The limit belongs to the calling thread and defaults to 1, so inference (predict_one,
// predict, evaluate) never starts a thread unless its caller asks for more; model::fit sets it
// to fit_options::threads for the duration of the call, and any code may set it for a scope
// with kernels::thread_limit.
//
// Threads exist only when the program is compiled with OpenMP (-fopenmp; linking
// OpenMP::OpenMP_CXX does it, and the ctnn::ctnn target does so when CMake's CTNN_OPENMP found
// OpenMP). Without it the pragma is not compiled and everything runs on the calling thread.
// Every translation unit of a program should agree on OpenMP (as on the -m flags).
//
// Kernels split their work so that each output value is computed by exactly one thread, in the
// order one thread would use: results are bit-identical for every thread count.
#include <algorithm>
#include <atomic>
#include <cstddef>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace ctnn::kernels {

// What "all hardware threads" means: OpenMP's default team size, which honours OMP_NUM_THREADS
// and the process's CPU affinity (taskset); 1 without OpenMP.
inline std::size_t hardware_threads() noexcept {
#ifdef _OPENMP
  return static_cast<std::size_t>(std::max(1, omp_get_max_threads()));
#else
  return 1;
#endif
}

namespace detail {
inline std::size_t& calling_thread_limit() noexcept {
  thread_local std::size_t limit = 1;
  return limit;
}
}  // namespace detail

// The calling thread's limit: how many threads a kernel it calls may use.
inline std::size_t max_threads() noexcept { return detail::calling_thread_limit(); }

// Sets the calling thread's limit for the lifetime of the object (0: hardware_threads()), then
// restores the previous one.
class thread_limit {
 public:
  explicit thread_limit(std::size_t threads) noexcept : previous_(detail::calling_thread_limit()) {
    detail::calling_thread_limit() = threads == 0 ? hardware_threads() : threads;
  }
  thread_limit(const thread_limit&) = delete;
  thread_limit& operator=(const thread_limit&) = delete;
  ~thread_limit() { detail::calling_thread_limit() = previous_; }

 private:
  std::size_t previous_;
};

namespace detail {

// Runs body(index, count) once on each of up to `threads` threads, count being how many the
// runtime started and index in [0, count); on the calling thread alone (index 0, count 1) when
// threads <= 1 or without OpenMP. body must not throw.
template <class F>
void parallel(std::size_t threads, F&& body) {
#ifdef _OPENMP
  if (threads > 1) {
#pragma omp parallel num_threads(static_cast<int>(threads))
    body(static_cast<std::size_t>(omp_get_thread_num()),
         static_cast<std::size_t>(omp_get_num_threads()));
    return;
  }
#endif
  (void)threads;
  body(std::size_t{0}, std::size_t{1});
}

// Runs f(chunk) for every chunk in [0, chunks), handed out in order from a shared counter to up
// to `threads` threads (a thread the OS preempts leaves its chunks to the others); in order on
// the calling thread when threads <= 1. f must not throw.
template <class F>
void parallel_for(std::size_t threads, std::size_t chunks, F&& f) {
  if (threads <= 1 || chunks <= 1) {
    for (std::size_t c = 0; c < chunks; ++c) f(c);
    return;
  }
  std::atomic<std::size_t> next{0};
  parallel(std::min(threads, chunks), [&](std::size_t, std::size_t) {
    for (std::size_t c; (c = next.fetch_add(1, std::memory_order_relaxed)) < chunks;) f(c);
  });
}

// The share [first, last) of `units` work units that thread `index` of `count` takes: contiguous,
// sizes differing by at most one.
struct share {
  std::size_t first, last;
};
constexpr share share_of(std::size_t units, std::size_t index, std::size_t count) noexcept {
  return {units * index / count, units * (index + 1) / count};
}

}  // namespace detail
}  // namespace ctnn::kernels
