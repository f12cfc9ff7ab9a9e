#pragma once
// ctnn::optim::sgd: gradient descent with optional (Nesterov) momentum, as keras.optimizers.SGD
// (Keras 2.11+, without weight decay, gradient clipping or EMA).
//   momentum == 0:  w -= lr*g
//   otherwise:      v = momentum*v - lr*g;  w += nesterov ? momentum*v - lr*g : v
// State: [v] when momentum != 0, none otherwise (with momentum 0, v would just be -lr*g).
#include "detail/element_update.hpp"  // first: it includes xsimd (see detail/xsimd.hpp)
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "optimizer.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn::optim {

struct sgd {
  float learning_rate = 0.01f;
  float momentum = 0.0f;
  bool nesterov = false;

  static constexpr std::string_view name = "sgd";

  constexpr std::size_t state_slots() const noexcept { return momentum != 0.0f ? 1 : 0; }
  constexpr std::size_t state_size(std::size_t n) const noexcept { return ctnn::detail::state_size(*this, n); }

  bool update(std::span<float> params, std::span<const float> grads, std::span<float> state,
              std::uint64_t step) const {
    namespace simd = ctnn::detail;  // qualified: ADL would also find xsimd::store
    const float lr = learning_rate;
    const float mu = momentum;
    return simd::element_update(*this, {params, grads, state, step}, {mu != 0.0f, mu != 0.0f && nesterov},
                                [=](const simd::update_arrays& a, auto has_momentum, auto is_nesterov) {
      constexpr bool momentum_v = decltype(has_momentum)::value;
      constexpr bool nesterov_v = decltype(is_nesterov)::value;
      float* w = a.w;
      const float* g = a.g;
      float* v = a.slot(0);  // used only with momentum
      return [=]<std::size_t W>(std::size_t i) {
        const auto wi = simd::load<W>(w + i);
        if constexpr (!momentum_v) {
          const auto wn = wi - lr * simd::load<W>(g + i);
          return simd::commit(simd::is_finite(wn), simd::slot(w + i, wn, wi));
        } else {
          const auto gi = simd::load<W>(g + i);
          const auto vo = simd::load<W>(v + i);
          const auto vi = mu * vo - lr * gi;
          auto wn = wi + vi;
          if constexpr (nesterov_v) wn = wi + (mu * vi - lr * gi);
          return simd::commit(simd::all_finite(vi, wn), simd::slot(v + i, vi, vo),
                              simd::slot(w + i, wn, wi));
        }
      };
    });
  }
};

}  // namespace ctnn::optim
CTNN_DETAIL_SIMD_END

static_assert(ctnn::optimizer<ctnn::optim::sgd>);
