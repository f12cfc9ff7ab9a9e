#pragma once
// The loss policy.
//   L::name                                    Keras' name
//   L::label_shape<OutputShape>                the per-sample shape of the labels it takes
//   L::accuracy                                the metric "accuracy" means with this loss
//   l.value(pred, labels, n, width)            the SUM over the n samples of per-sample losses
//                                              (double; the caller divides by n)
//   l.gradient(pred, labels, grad, n, width)   dL/dpred of the batch-MEAN loss
// Optionally, when a loss has a stable combined form with the activation A of the last layer
// (Keras: a cross-entropy after a softmax or a sigmoid uses the logits), L::fuses_with<A> ==
// true and, with z the last layer's pre-activations and pred = A(z):
//   l.preactivation_value(z, pred, labels, n, width)    the same sum as value, from the logits
//                                                       (pred may stand in where it is exact)
//   l.preactivation_gradient(pred, labels, grad, n, width)  dL/dz of the batch-mean loss
// The model then reports preactivation_value (training and evaluation alike).
// Laws (tests/losses/loss_function.cpp): value is zero (or minimal) at the target; gradient matches
// finite differences of value / n, preactivation_gradient those of preactivation_value / n;
// every value and gradient equals Keras' (tests/losses/keras_reference.py).
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
