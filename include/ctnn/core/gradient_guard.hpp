#pragma once
// ctnn::gradient_guard: where a training pass reports gradients that the NaN guard must refuse
// (model::fit never applies a step with a gradient that is NaN, infinite or beyond
// detail::gradient_limit in magnitude).
//
// The check costs nothing measurable because it is made where the gradients are written: a layer
// whose layer_traits<L>::checks_gradients is true (it declares `static constexpr bool
// checks_gradients = true`) reports every
// gradient it writes through pass_context::gradients -- its weight-gradient product through
// kernels::guarded_store_epilogue, which tests each value in registers as the GEMM stores it, and
// small tensors (biases, a normalization's scale) through check(). The model scans the gradients
// of every other layer that has parameters itself, in a separate pass.
#include <atomic>
#include <cstddef>

#include "../detail/finite.hpp"

namespace ctnn {

class gradient_guard {
 public:
  // Records that some gradient was out of range (any thread; relaxed: read after the pass).
  void flag() noexcept { out_of_range_.store(true, std::memory_order_relaxed); }
  // Checks n gradient values.
  void check(const float* p, std::size_t n) noexcept {
    if (detail::first_out_of_range(p, n, detail::gradient_limit) != n) flag();
  }
  // The finite-difference checks run layers in double; nothing is committed from them.
  void check(const double*, std::size_t) noexcept {}
  bool tripped() const noexcept { return out_of_range_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> out_of_range_{false};
};

}  // namespace ctnn
