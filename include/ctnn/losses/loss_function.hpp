#pragma once
// The loss policy.
//   L::name                                    Keras' name
//   L::label_shape<OutputShape>                the per-sample shape of the labels it takes
//   L::accuracy                                the metric "accuracy" means with this loss
//   l.value(pred, labels, n, width)            the SUM over the n samples of per-sample losses
//                                              (double; the caller divides by n)
//   l.gradient(pred, labels, grad, n, width)   dL/dpred of the batch-MEAN loss
// Optionally, when a loss has a stable combined gradient with the activation A of the last
// layer: L::fuses_with<A> == true and l.preactivation_gradient(...) gives dL/dz directly.
// Laws (tests/losses/losses.cpp): value is zero (or minimal) at the target; gradient and
// preactivation_gradient match finite differences of value / n.
#include <concepts>
#include <cstddef>
#include <string_view>

namespace ctnn {

template <class L>
concept loss_function = std::default_initializable<L> && std::copyable<L> &&
    requires(const L& l, const float* p, const float* y, float* g, std::size_t n) {
      { L::name } -> std::convertible_to<std::string_view>;
      typename L::accuracy;
      { l.value(p, y, n, n) } -> std::convertible_to<double>;
      l.gradient(p, y, g, n, n);
    };

namespace detail {
template <class L, class A>
concept fused_loss = requires { requires L::template fuses_with<A>; };
}  // namespace detail

}  // namespace ctnn
