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
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>


#include "../detail/simd_loop.hpp"
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

  constexpr std::size_t state_size(std::size_t parameter_count) const noexcept {
    return parameter_count * (1 + (momentum > 0.0f ? 1 : 0) + (centered ? 1 : 0));
  }

  bool update(std::span<float> params, std::span<const float> grads, std::span<float> state,
              std::uint64_t step) const {
    const std::size_t n = params.size();
    ctnn::detail::check_update_arguments(name, n, grads.size(), state.size(), state_size(n),
                                         step);
    float* w = params.data();
    const float* g = grads.data();
    float* v = state.data();
    float* mom = v + n;                            // used only when momentum > 0
    float* mg = v + (momentum > 0.0f ? 2 * n : n);  // used only when centered
    const float lr = learning_rate;
    const float r = rho;
    const float one_minus_rho = 1.0f - rho;
    const float mu = momentum;
    const float eps = epsilon;
    const bool is_centered = centered;
    bool committed = true;
    ctnn::detail::with_flag(mu > 0.0f, [=, &committed](auto has_momentum) {
      constexpr bool momentum_v = decltype(has_momentum)::value;
      ctnn::detail::with_flag(is_centered, [=, &committed](auto centered_c) {
        constexpr bool centered_v = decltype(centered_c)::value;
        ctnn::detail::simd_for(n, [=, &committed](std::size_t i, auto width) {
          constexpr std::size_t width_v = decltype(width)::value;
          namespace simd = ctnn::detail;  // qualified: ADL would also find xsimd::store
          // Every new value first, then one commit: an element either takes all of its step
          // (v, mg, mom, w) or none of it.
          const auto gi = simd::load<width_v>(g + i);
          const auto vo = simd::load<width_v>(v + i);
          const auto vi = r * vo + one_minus_rho * (gi * gi);
          auto denom = vi + eps;
          auto mgo = vo, mgi = vo;  // used only when centered
          if constexpr (centered_v) {
            mgo = simd::load<width_v>(mg + i);
            mgi = r * mgo + one_minus_rho * gi;
            denom = vi - mgi * mgi + eps;
          }
          const auto inc = lr * gi / xsimd::sqrt(denom);
          const auto wi = simd::load<width_v>(w + i);
          auto momo = vo, momi = inc;  // used only with momentum
          if constexpr (momentum_v) {
            momo = simd::load<width_v>(mom + i);
            momi = mu * momo + inc;
          }
          const auto wn = wi - momi;
          // vi finite and wn finite imply mgi and momi finite (they are parts of wn's step).
          const auto keep = simd::is_finite(vi) & simd::is_finite(wn);
          if constexpr (centered_v && momentum_v)
            committed &= simd::commit(keep, simd::slot(v + i, vi, vo), simd::slot(mg + i, mgi, mgo),
                                      simd::slot(mom + i, momi, momo), simd::slot(w + i, wn, wi));
          else if constexpr (centered_v)
            committed &= simd::commit(keep, simd::slot(v + i, vi, vo), simd::slot(mg + i, mgi, mgo),
                                      simd::slot(w + i, wn, wi));
          else if constexpr (momentum_v)
            committed &= simd::commit(keep, simd::slot(v + i, vi, vo), simd::slot(mom + i, momi, momo),
                                      simd::slot(w + i, wn, wi));
          else
            committed &= simd::commit(keep, simd::slot(v + i, vi, vo), simd::slot(w + i, wn, wi));
        });
      });
    });
    return committed;
  }
};

}  // namespace ctnn::optim
CTNN_DETAIL_SIMD_END

static_assert(ctnn::optimizer<ctnn::optim::rmsprop>);
