#pragma once
// A float buffer aligned for the widest SIMD register, allocated once and never resized
// implicitly: the model's parameter, gradient and workspace arenas.
#include <cstddef>
#include <span>
#include <vector>

#include <new>

namespace ctnn::detail {

// 64 bytes: a cache line, and enough for AVX-512 loads.
inline constexpr std::size_t buffer_alignment = 64;

// Aligned through the global operator new (not posix_memalign, as xsimd's allocator does), so
// that programs which replace operator new -- allocation counters, real-time checkers, arenas --
// see every allocation ctnn makes.
template <class T, std::size_t Alignment = buffer_alignment>
struct aligned_allocator {
  using value_type = T;
  template <class U> struct rebind { using other = aligned_allocator<U, Alignment>; };
  aligned_allocator() = default;
  template <class U> aligned_allocator(const aligned_allocator<U, Alignment>&) noexcept {}
  T* allocate(std::size_t n) {
    return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{Alignment}));
  }
  void deallocate(T* p, std::size_t) noexcept { ::operator delete(p, std::align_val_t{Alignment}); }
  template <class U> bool operator==(const aligned_allocator<U, Alignment>&) const noexcept { return true; }
};

using aligned_vector = std::vector<float, aligned_allocator<float>>;

// Rounds a float count up so that consecutive slices of an arena stay aligned.
constexpr std::size_t aligned_count(std::size_t n) {
  constexpr std::size_t step = buffer_alignment / sizeof(float);
  return (n + step - 1) / step * step;
}

}  // namespace ctnn::detail
