#pragma once
// The regularizer policy (Keras' regularizers): a penalty on a parameter tensor, added to the
// loss (and so reported in it, as Keras does), and its gradient, added to the tensor's gradient.
//   r.penalty(w) -> double          e.g. l2 * sum(w^2)
//   r.add_gradient(w, g)            g += d penalty / d w
// Laws (tests/regularizers/regularizer.cpp): add_gradient matches finite differences of
// penalty; the penalty of zeros is zero.
#include <concepts>
#include <span>

namespace ctnn {

template <class R>
concept regularizer = std::default_initializable<R> && std::copyable<R> &&
    requires(const R& r, std::span<const float> w, std::span<float> g) {
      { r.penalty(w) } -> std::convertible_to<double>;
      r.add_gradient(w, g);
    };

}  // namespace ctnn
