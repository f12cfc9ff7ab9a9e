#pragma once
// ctnn::optim::sgd: gradient descent with optional (Nesterov) momentum, as keras.optimizers.SGD
// (Keras 2.11+, without weight decay, gradient clipping or EMA).
//   momentum == 0:  w -= lr*g
//   otherwise:      v = momentum*v - lr*g;  w += nesterov ? momentum*v - lr*g : v
// State: [v] when momentum != 0, none otherwise (with momentum 0, v would just be -lr*g).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "../detail/simd_loop.hpp"
#include "optimizer.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn::optim {

struct sgd {
  float learning_rate = 0.01f;
  float momentum = 0.0f;
  bool nesterov = false;

  static constexpr std::string_view name = "sgd";

  constexpr std::size_t state_size(std::size_t parameter_count) const noexcept {
    return momentum != 0.0f ? parameter_count : 0;
  }

  bool update(std::span<float> params, std::span<const float> grads, std::span<float> state,
              std::uint64_t step) const {
    const std::size_t n = params.size();
    ctnn::detail::check_update_arguments(name, n, grads.size(), state.size(), state_size(n),
                                         step);
    float* w = params.data();
    const float* g = grads.data();
    const float lr = learning_rate;
    const float mu = momentum;
    bool committed = true;
    if (mu == 0.0f) {
      ctnn::detail::simd_for(n, [=, &committed](std::size_t i, auto width) {
        constexpr std::size_t width_v = decltype(width)::value;
        namespace simd = ctnn::detail;  // qualified: ADL would also find xsimd::store
        const auto wi = simd::load<width_v>(w + i);
        const auto wn = wi - lr * simd::load<width_v>(g + i);
        committed &= simd::commit(simd::is_finite(wn), simd::slot(w + i, wn, wi));
      });
      return committed;
    }
    float* v = state.data();
    ctnn::detail::with_flag(nesterov, [=, &committed](auto is_nesterov) {
      constexpr bool nesterov_v = decltype(is_nesterov)::value;
      ctnn::detail::simd_for(n, [=, &committed](std::size_t i, auto width) {
        constexpr std::size_t width_v = decltype(width)::value;
        namespace simd = ctnn::detail;  // qualified: ADL would also find xsimd::store
        const auto gi = simd::load<width_v>(g + i);
        const auto vo = simd::load<width_v>(v + i);
        const auto vi = mu * vo - lr * gi;
        const auto wi = simd::load<width_v>(w + i);
        auto wn = wi + vi;
        if constexpr (nesterov_v) wn = wi + (mu * vi - lr * gi);
        committed &= simd::commit(simd::is_finite(vi) & simd::is_finite(wn), simd::slot(v + i, vi, vo),
                                  simd::slot(w + i, wn, wi));
      });
    });
    return committed;
  }
};

}  // namespace ctnn::optim
CTNN_DETAIL_SIMD_END

static_assert(ctnn::optimizer<ctnn::optim::sgd>);
