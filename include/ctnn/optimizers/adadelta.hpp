#pragma once
// ctnn::optim::adadelta: Adadelta (Zeiler, 2012), as keras.optimizers.Adadelta (Keras 2.11+,
// without weight decay, gradient clipping or EMA).
//   acc_g = rho*acc_g + (1-rho)*g^2
//   delta = -sqrt(acc_d + epsilon) / sqrt(acc_g + epsilon) * g
//   acc_d = rho*acc_d + (1-rho)*delta^2
//   w += lr*delta
// The paper has no learning rate (lr = 1); Keras' default of 0.001 makes it very slow, so pass
// learning_rate = 1.0f to get the paper's method.
// State: [acc_g | acc_d].
#include "detail/element_update.hpp"  // first: it includes xsimd (see detail/xsimd.hpp)
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "optimizer.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn::optim {

struct adadelta {
  float learning_rate = 0.001f;
  float rho = 0.95f;
  float epsilon = 1e-7f;

  static constexpr std::string_view name = "adadelta";

  constexpr std::size_t state_slots() const noexcept { return 2; }
  constexpr std::size_t state_size(std::size_t n) const noexcept { return ctnn::detail::state_size(*this, n); }

  bool update(std::span<float> params, std::span<const float> grads, std::span<float> state,
              std::uint64_t step) const {
    namespace simd = ctnn::detail;  // qualified: ADL would also find xsimd::store
    const float lr = learning_rate;
    const float r = rho;
    const float one_minus_rho = 1.0f - rho;
    const float eps = epsilon;
    return simd::element_update(*this, {params, grads, state, step}, [=](const simd::update_arrays& a) {
      float* w = a.w;
      const float* g = a.g;
      float* acc_g = a.slot(0);
      float* acc_d = a.slot(1);
      return [=]<std::size_t W>(std::size_t i) {
        const auto gi = simd::load<W>(g + i);
        const auto acc_go = simd::load<W>(acc_g + i);
        const auto acc_gi = r * acc_go + one_minus_rho * (gi * gi);
        const auto acc_di = simd::load<W>(acc_d + i);
        // One square root of the quotient instead of a quotient of two: same accuracy, and the
        // loop is bound by sqrt/div throughput when the arrays are in cache.
        const auto delta = -xsimd::sqrt((acc_di + eps) / (acc_gi + eps)) * gi;
        const auto acc_dn = r * acc_di + one_minus_rho * (delta * delta);
        const auto wi = simd::load<W>(w + i);
        const auto wn = wi + lr * delta;
        // One commit per element: both accumulators and w take the step together or not at all.
        return simd::commit(simd::all_finite(acc_gi, acc_dn, wn),
                            simd::slot(acc_g + i, acc_gi, acc_go), simd::slot(acc_d + i, acc_dn, acc_di),
                            simd::slot(w + i, wn, wi));
      };
    });
  }
};

}  // namespace ctnn::optim
CTNN_DETAIL_SIMD_END

static_assert(ctnn::optimizer<ctnn::optim::adadelta>);
