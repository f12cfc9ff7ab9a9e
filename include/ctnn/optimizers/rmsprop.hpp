#pragma once
// ctnn::optim::rmsprop: divides the gradient by a running root mean square of recent gradients,
// as keras.optimizers.RMSprop (Keras 2.11+, without weight decay, gradient clipping or EMA).
//   v = rho*v + (1-rho)*g^2
//   centered:  mg = rho*mg + (1-rho)*g;  denom = v - mg^2 + epsilon
//   otherwise: denom = v + epsilon
//   inc = lr*g / sqrt(denom)
//   momentum > 0: mom = momentum*mom + inc;  w -= mom
//   otherwise:    w -= inc
// epsilon is inside the square root, as in Keras (and TensorFlow's ApplyRMSProp). PyTorch's
// torch.optim.RMSprop adds it outside (g / (sqrt(v) + eps)) and defaults to alpha = 0.99,
// eps = 1e-8: the two agree only approximately, mostly where v is tiny.
// State: [v | mom if momentum > 0 | mg if centered], Keras' order of creation.
#include "detail/element_update.hpp"  // first: it includes xsimd (see detail/xsimd.hpp)
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "optimizer.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn::optim {

struct rmsprop {
  float learning_rate = 0.001f;
  float rho = 0.9f;
  float momentum = 0.0f;
  float epsilon = 1e-7f;
  bool centered = false;

  static constexpr std::string_view name = "rmsprop";

  constexpr std::size_t state_slots() const noexcept {
    return 1 + (momentum > 0.0f ? 1 : 0) + (centered ? 1 : 0);
  }
  constexpr std::size_t state_size(std::size_t n) const noexcept { return ctnn::detail::state_size(*this, n); }

  bool update(std::span<float> params, std::span<const float> grads, std::span<float> state,
              std::uint64_t step) const {
    namespace simd = ctnn::detail;  // qualified: ADL would also find xsimd::store
    const float lr = learning_rate;
    const float r = rho;
    const float one_minus_rho = 1.0f - rho;
    const float mu = momentum;
    const float eps = epsilon;
    return simd::element_update(*this, {params, grads, state, step}, {mu > 0.0f, centered},
                                [=](const simd::update_arrays& a, auto has_momentum, auto is_centered) {
      constexpr bool momentum_v = decltype(has_momentum)::value;
      constexpr bool centered_v = decltype(is_centered)::value;
      float* w = a.w;
      const float* g = a.g;
      float* v = a.slot(0);
      float* mom = a.slot(1);                   // used only with momentum
      float* mg = a.slot(momentum_v ? 2 : 1);  // used only when centered
      return [=]<std::size_t W>(std::size_t i) {
        // Every new value first, then one commit: an element either takes all of its step
        // (v, mg, mom, w) or none of it.
        const auto gi = simd::load<W>(g + i);
        const auto vo = simd::load<W>(v + i);
        const auto vi = r * vo + one_minus_rho * (gi * gi);
        auto denom = vi + eps;
        auto mgo = vo, mgi = vo;  // used only when centered
        if constexpr (centered_v) {
          mgo = simd::load<W>(mg + i);
          mgi = r * mgo + one_minus_rho * gi;
          denom = vi - mgi * mgi + eps;
        }
        const auto inc = lr * gi / xsimd::sqrt(denom);
        const auto wi = simd::load<W>(w + i);
        auto momo = vo, momi = inc;  // used only with momentum
        if constexpr (momentum_v) {
          momo = simd::load<W>(mom + i);
          momi = mu * momo + inc;
        }
        const auto wn = wi - momi;
        // vi finite and wn finite imply mgi and momi finite (they are parts of wn's step).
        const auto keep = simd::all_finite(vi, wn);
        if constexpr (centered_v && momentum_v)
          return simd::commit(keep, simd::slot(v + i, vi, vo), simd::slot(mg + i, mgi, mgo),
                              simd::slot(mom + i, momi, momo), simd::slot(w + i, wn, wi));
        else if constexpr (centered_v)
          return simd::commit(keep, simd::slot(v + i, vi, vo), simd::slot(mg + i, mgi, mgo),
                              simd::slot(w + i, wn, wi));
        else if constexpr (momentum_v)
          return simd::commit(keep, simd::slot(v + i, vi, vo), simd::slot(mom + i, momi, momo),
                              simd::slot(w + i, wn, wi));
        else
          return simd::commit(keep, simd::slot(v + i, vi, vo), simd::slot(w + i, wn, wi));
      };
    });
  }
};

}  // namespace ctnn::optim
CTNN_DETAIL_SIMD_END

static_assert(ctnn::optimizer<ctnn::optim::rmsprop>);
