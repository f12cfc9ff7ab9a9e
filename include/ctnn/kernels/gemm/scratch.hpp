#pragma once
// The GEMM's packing buffer (kernels/gemm.hpp): one per thread, so that the threads of a
// parallel product (kernels/gemm/parallelizer.hpp) never share one.
#include <algorithm>
#include <cstddef>
#include <new>

#include "blocking.hpp"

namespace ctnn::kernels::detail {

// Per-thread packing buffer: grows on demand, never shrinks, so steady-state calls do not
// allocate.
class gemm_scratch {
 public:
  gemm_scratch() = default;
  gemm_scratch(const gemm_scratch&) = delete;
  gemm_scratch& operator=(const gemm_scratch&) = delete;
  ~gemm_scratch() { release(); }

  float* get(std::size_t count) {
    if (count > capacity_) {
      const std::size_t grown = std::max(count, capacity_ + capacity_ / 2);
      release();
      data_ = static_cast<float*>(
          ::operator new(grown * sizeof(float), std::align_val_t{scratch_alignment}));
      capacity_ = grown;
    }
    return data_;
  }

 private:
  void release() noexcept {
    if (data_ != nullptr) {
      ::operator delete(data_, std::align_val_t{scratch_alignment});
      data_ = nullptr;
      capacity_ = 0;
    }
  }

  float* data_ = nullptr;
  std::size_t capacity_ = 0;
};

inline float* gemm_scratch_buffer(std::size_t count) {
  thread_local gemm_scratch scratch;
  return scratch.get(count);
}

}  // namespace ctnn::kernels::detail
