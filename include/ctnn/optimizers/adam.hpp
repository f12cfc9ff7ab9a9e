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
#include "../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>


#include "../detail/simd_loop.hpp"
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

  constexpr std::size_t state_size(std::size_t parameter_count) const noexcept {
    return parameter_count * (amsgrad ? 3 : 2);
  }

  bool update(std::span<float> params, std::span<const float> grads, std::span<float> state,
              std::uint64_t step) const {
    const std::size_t n = params.size();
    ctnn::detail::check_update_arguments(name, n, grads.size(), state.size(), state_size(n),
                                         step);
    float* w = params.data();
    const float* g = grads.data();
    float* m = state.data();
    float* v = m + n;
    float* vhat = v + n;  // used only when amsgrad
    const double t = static_cast<double>(step);
    const float alpha = static_cast<float>(
        double{learning_rate} * std::sqrt(1.0 - std::pow(double{beta_2}, t)) /
        (1.0 - std::pow(double{beta_1}, t)));
    const float one_minus_beta_1 = 1.0f - beta_1;
    const float one_minus_beta_2 = 1.0f - beta_2;
    const float eps = epsilon;
    bool committed = true;
    ctnn::detail::with_flag(amsgrad, [=, &committed](auto is_amsgrad) {
      constexpr bool amsgrad_v = decltype(is_amsgrad)::value;
      ctnn::detail::simd_for(n, [=, &committed](std::size_t i, auto width) {
        constexpr std::size_t width_v = decltype(width)::value;
        namespace simd = ctnn::detail;  // qualified: ADL would also find xsimd::store
        const auto gi = simd::load<width_v>(g + i);
        const auto mo = simd::load<width_v>(m + i);
        const auto vo = simd::load<width_v>(v + i);
        const auto mi = mo + (gi - mo) * one_minus_beta_1;
        const auto vi = vo + (gi * gi - vo) * one_minus_beta_2;
        auto vho = vi, vhi = vi;  // used only with amsgrad
        if constexpr (amsgrad_v) {
          vho = simd::load<width_v>(vhat + i);
          vhi = xsimd::max(vho, vi);
        }
        const auto wi = simd::load<width_v>(w + i);
        const auto wn = wi - mi * alpha / (xsimd::sqrt(vhi) + eps);
        // One commit per element: m, v (vhat) and w take the step together or not at all. A
        // finite w needs a finite m; v must be checked itself (g*g can overflow to infinity,
        // which only slows the step down).
        const auto keep = simd::is_finite(vi) & simd::is_finite(wn);
        if constexpr (amsgrad_v)
          committed &= simd::commit(keep, simd::slot(m + i, mi, mo), simd::slot(v + i, vi, vo),
                                    simd::slot(vhat + i, vhi, vho), simd::slot(w + i, wn, wi));
        else
          committed &= simd::commit(keep, simd::slot(m + i, mi, mo), simd::slot(v + i, vi, vo),
                                    simd::slot(w + i, wn, wi));
      });
    });
    return committed;
  }
};

}  // namespace ctnn::optim
CTNN_DETAIL_SIMD_END

static_assert(ctnn::optimizer<ctnn::optim::adam>);
