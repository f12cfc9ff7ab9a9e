#pragma once
// Heap-allocation counting for real-time tests. tests/core/model.cpp replaces the global
// operator new (once for the whole test program) and increments allocations() while
// counting() is set. Every ctnn allocation goes through operator new (detail::aligned_allocator).
#include <atomic>
#include <cstddef>

namespace ctnn_test {
std::atomic<bool>& counting();
std::atomic<std::size_t>& allocations();
std::atomic<std::size_t>& allocated_bytes();

// Counts allocations made during f().
template <class F>
std::size_t count_allocations(F&& f) {
  allocations() = 0;
  allocated_bytes() = 0;
  counting() = true;
  f();
  counting() = false;
  return allocations();
}
}  // namespace ctnn_test
