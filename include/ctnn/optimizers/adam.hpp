#pragma once
// ctnn::optim::adam: Adam (Kingma & Ba, 2014), optionally AMSGrad (Reddi et al., 2018), as
// keras.optimizers.Adam (Keras 2.11+, without weight decay, gradient clipping or EMA).
//   alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)
//   m += (g - m)*(1 - beta_1);  v += (g^2 - v)*(1 - beta_2)
//   amsgrad: vhat = max(vhat, v), used in place of v below
//   w -= m*alpha / (sqrt(v) + epsilon)
// This is the paper's "efficient" form: epsilon is added to the uncorrected sqrt(v), which is
// what Keras does (and why its default epsilon, 1e-7, is not PyTorch's 1e-8 on sqrt(v_hat)).
// alpha is computed in double once per call, so it stays accurate for any step count.
// State: [m | v | vhat if amsgrad].
#include "detail/element_update.hpp"  // first: it includes xsimd (see detail/xsimd.hpp)
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "optimizer.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn::optim {

struct adam {
  float learning_rate = 0.001f;
  float beta_1 = 0.9f;
  float beta_2 = 0.999f;
  float epsilon = 1e-7f;
  bool amsgrad = false;

  static constexpr std::string_view name = "adam";

  constexpr std::size_t state_slots() const noexcept { return amsgrad ? 3 : 2; }
  constexpr std::size_t state_size(std::size_t n) const noexcept { return ctnn::detail::state_size(*this, n); }

  bool update(std::span<float> params, std::span<const float> grads, std::span<float> state,
              std::uint64_t step) const {
    namespace simd = ctnn::detail;  // qualified: ADL would also find xsimd::store
    const double t = static_cast<double>(step);
    const float alpha = static_cast<float>(
        double{learning_rate} * std::sqrt(1.0 - std::pow(double{beta_2}, t)) /
        (1.0 - std::pow(double{beta_1}, t)));
    const float one_minus_beta_1 = 1.0f - beta_1;
    const float one_minus_beta_2 = 1.0f - beta_2;
    const float eps = epsilon;
    return simd::element_update(*this, {params, grads, state, step}, {amsgrad},
                                [=](const simd::update_arrays& a, auto is_amsgrad) {
      constexpr bool amsgrad_v = decltype(is_amsgrad)::value;
      float* w = a.w;
      const float* g = a.g;
      float* m = a.slot(0);
      float* v = a.slot(1);
      float* vhat = a.slot(2);  // used only when amsgrad
      return [=]<std::size_t W>(std::size_t i) {
        const auto gi = simd::load<W>(g + i);
        const auto mo = simd::load<W>(m + i);
        const auto vo = simd::load<W>(v + i);
        const auto mi = mo + (gi - mo) * one_minus_beta_1;
        const auto vi = vo + (gi * gi - vo) * one_minus_beta_2;
        auto vho = vi, vhi = vi;  // used only with amsgrad
        if constexpr (amsgrad_v) {
          vho = simd::load<W>(vhat + i);
          vhi = xsimd::max(vho, vi);
        }
        const auto wi = simd::load<W>(w + i);
        const auto wn = wi - mi * alpha / (xsimd::sqrt(vhi) + eps);
        // One commit per element: m, v (vhat) and w take the step together or not at all. A
        // finite w needs a finite m; v must be checked itself (g*g can overflow to infinity,
        // which only slows the step down).
        const auto keep = simd::all_finite(vi, wn);
        if constexpr (amsgrad_v)
          return simd::commit(keep, simd::slot(m + i, mi, mo), simd::slot(v + i, vi, vo),
                              simd::slot(vhat + i, vhi, vho), simd::slot(w + i, wn, wi));
        else
          return simd::commit(keep, simd::slot(m + i, mi, mo), simd::slot(v + i, vi, vo),
                              simd::slot(w + i, wn, wi));
      };
    });
  }
};

}  // namespace ctnn::optim
CTNN_DETAIL_SIMD_END

static_assert(ctnn::optimizer<ctnn::optim::adam>);
