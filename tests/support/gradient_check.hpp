#pragma once
// Finite-difference gradient checks, in double precision: the layers' forward/backward are
// templates on the scalar type, so a network runs here in double through the same code that
// trains in float (only the matrix product swaps the SIMD kernel for a reference loop).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <vector>

#include <catch2/catch.hpp>

#include <ctnn/core/layer.hpp>
#include <ctnn/core/detail/layout.hpp>
#include <ctnn/core/sequential.hpp>
#include <ctnn/detail/random.hpp>

namespace ctnn_test {

template <class Network, class Loss>
class gradient_check {
 public:
  using in = typename Network::input_shape;
  using out = typename Network::output_shape;
  static constexpr std::size_t label_size = Loss::template label_shape<out>::size;
  using layout = typename Network::layout;
  static constexpr ctnn::detail::pass_needs needs{.gradients = true, .logits = true, .input_gradient = true};

  explicit gradient_check(std::size_t n, std::uint64_t seed = 7, Loss loss = {})
      : n_(n), loss_(loss), rng_(seed), params_(Network::parameter_storage),
        grads_(Network::parameter_storage), x_(n * in::size), y_(n * label_size),
        block_(layout::pass_floats(n, needs)), pass_(layout::carve(block_.data(), n, needs)) {
    init(std::make_index_sequence<Network::layer_count>{});
    for (auto& v : x_) v = rng_.uniform(-1.0, 1.0);
  }

  std::vector<double>& inputs() { return x_; }
  std::vector<double>& labels() { return y_; }
  std::vector<double>& parameters() { return params_; }
  typename Network::layer_types& layers() { return layers_; }

  // Mean loss over the batch (forward only). After analytic(true), as the model computes it
  // with a fused loss: from the last layer's pre-activations (preactivation_value).
  double loss() {
    // Stochastic layers (dropout) draw the same numbers on every pass, so the loss is a
    // deterministic function of the parameters.
    pass_rng_.reseed(12345);
    pass_ctx_.phase = ctnn::mode::training;
    layout::forward(layers_, params_.data(), x_.data(), pass_, pass_ctx_);
    const double* y = pass_.output();
    double sum = 0;
    if constexpr (requires { loss_.preactivation_value(y, y, y_.data(), n_, out::size); }) {
      sum = fused_ ? loss_.preactivation_value(pass_.logits, y, y_.data(), n_, out::size)
                   : loss_.value(y, y_.data(), n_, out::size);
    } else {
      sum = loss_.value(y, y_.data(), n_, out::size);
    }
    return sum / static_cast<double>(n_) + Network::regularization_penalty(layers_, params_.data());
  }

  // Analytic gradients into grads(); fused uses the loss's pre-activation gradient (and from
  // then on loss() is computed from the pre-activations).
  const std::vector<double>& analytic(bool fused) {
    fused_ = fused;
    loss();
    const double* y = pass_.output();
    double* dy = pass_.gradients[0];
    if constexpr (requires { loss_.preactivation_gradient(y, y_.data(), dy, n_, out::size); }) {
      if (fused) loss_.preactivation_gradient(y, y_.data(), dy, n_, out::size);
      else loss_.gradient(y, y_.data(), dy, n_, out::size);
    } else {
      REQUIRE_FALSE(fused);
      loss_.gradient(y, y_.data(), dy, n_, out::size);
    }
    std::fill(grads_.begin(), grads_.end(), 0.0);
    layout::backward(layers_, params_.data(), grads_.data(), x_.data(), pass_, fused, pass_ctx_);
    Network::add_regularization_gradients(layers_, params_.data(), grads_.data());
    return grads_;
  }

  // Central difference of the mean loss with respect to parameter i.
  double numeric(std::size_t i, double h = 1e-6) { return central_difference(params_[i], h); }

  // Largest relative error |a - n| / (|a| + |n|) over every real parameter (not the alignment
  // padding between tensors), beyond what the central difference itself may be off by: each of
  // its two losses is rounded to some units of double's epsilon of |L| (a few hundred, through a
  // network), divided by 2h = 2e-6 -- about 1e-7 |L|, next to which the truncation error
  // h^2 f'''(x) / 6 (about 1e-13) is nothing. A gradient element smaller than that cannot be
  // checked by differences and counts as agreeing; a wrong one larger than it shows.
  double max_relative_error(bool fused = false) {
    const auto a = analytic(fused);
    const double noise = difference_noise();
    double worst = 0;
    for_each_parameter([&](std::size_t i) { worst = std::max(worst, relative_excess(a[i], numeric(i, h_), noise)); });
    return worst;
  }

  // The same for dL/dx, the gradient of the mean loss with respect to every input value, which
  // the backward pass gives for the first layer on request (detail::pass_needs::input_gradient).
  double max_input_relative_error() {
    analytic(false);
    const std::vector<double> a(pass_.input_gradient, pass_.input_gradient + n_ * in::size);
    const double noise = difference_noise();
    double worst = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
      worst = std::max(worst, relative_excess(a[i], central_difference(x_[i], h_), noise));
    return worst;
  }

  template <class F>
  void for_each_parameter(F&& f) {
    each_layer(f, std::make_index_sequence<Network::layer_count>{});
  }

 private:
  static constexpr double h_ = 1e-6;
  double central_difference(double& v, double h) {
    const double keep = v;
    v = keep + h;
    const double up = loss();
    v = keep - h;
    const double down = loss();
    v = keep;
    return (up - down) / (2 * h);
  }
  double difference_noise() {
    return 1e3 * std::numeric_limits<double>::epsilon() * std::max(1.0, std::abs(loss())) / (2 * h_);
  }
  static double relative_excess(double analytic, double numeric, double noise) {
    const double excess = std::max(0.0, std::abs(analytic - numeric) - noise);
    return excess / std::max(1e-300, std::abs(analytic) + std::abs(numeric));
  }

  template <std::size_t... I>
  void init(std::index_sequence<I...>) {
    (std::get<I>(layers_).initialize(layout::template slice<I>(params_.data()), rng_), ...);
    // Non-zero biases, so their effect on the activation is checked too.
    for_each_parameter([&](std::size_t i) { params_[i] += rng_.uniform(-0.1, 0.1); });
  }
  template <class F, std::size_t... I>
  void each_layer(F& f, std::index_sequence<I...>) {
    (each_tensor<I>(f), ...);
  }
  template <std::size_t I, class F>
  void each_tensor(F& f) {
    using L = std::tuple_element_t<I, typename Network::layer_types>;
    for (const auto& p : L::parameters)
      for (std::size_t k = 0; k < p.size; ++k) f(Network::parameter_offsets[I] + p.offset + k);
  }

  std::size_t n_;
  Loss loss_;
  ctnn::detail::rng rng_;
  ctnn::detail::rng pass_rng_{12345};
  ctnn::pass_context pass_ctx_{ctnn::mode::training, &pass_rng_};
  typename Network::layer_types layers_{};
  std::vector<double> params_, grads_, x_, y_;
  std::vector<double> block_;  // the pass's buffers (layout::carve), with the logits
  typename layout::template buffers<double> pass_;
  bool fused_ = false;
};

}  // namespace ctnn_test
