#pragma once
// ctnn::batch_normalization<Options...>: Keras' BatchNormalization with axis=-1. Each channel
// (the last dimension of a sample: a feature of a rank-1 input, a channel of an (h, w, c) image)
// is normalized over all the other axes of the batch (n x h x w values for an image), then scaled
// by gamma and shifted by beta:
//   y = gamma * (x - mean) / sqrt(variance + epsilon) + beta
// In training (pass_context::phase == mode::training) mean and variance are the batch's (the
// biased variance, as tf.nn.moments and Keras 3's ops.moments give), and each training pass
// updates the moving statistics, as Keras does, with that same biased variance:
//   moving = moving - (moving - batch) * (1 - momentum)
// In inference (predict, evaluate) mean and variance are the moving statistics.
//
// Options, in any order, as Keras' keyword arguments: center<bool> (beta, default true) and
// scale<bool> (gamma, default true). gamma starts at ones, beta at zeros, moving_mean at zeros,
// moving_variance at ones (Keras' default initializers; other initializers are not offered).
// momentum (0.99) and epsilon (1e-3) are run-time members of the bound layer object
// (model.layer<I>().momentum = 0.9), as dense's activation is.
//
// Where things live: gamma and beta are trainable parameters in the model's arena ("gamma",
// "beta"). moving_mean and moving_variance are Keras' non-trainable weights
// (non_trainable_parameter_count); they are state, kept in the bound layer object. So are the
// batch mean and inverse standard deviation of the last training pass, which its backward pass
// needs (x_hat is recomputed from x, one subtraction and one product per value, rather than
// stored: the layer then needs no workspace). All of them are double, whichever T a pass runs
// in: the same layer object serves float training and double gradient checks, and an exponential
// moving average over thousands of steps keeps its precision.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <string_view>
#include <type_traits>

#include "../core/layer.hpp"
#include "../core/layer_traits.hpp"
#include "../core/shape.hpp"
#include "../detail/aligned_buffer.hpp"
#include "../detail/check_link.hpp"
#include "../detail/options.hpp"
#include "center.hpp"
#include "scale.hpp"

namespace ctnn {

namespace detail {
template <class T>
struct is_batch_normalization_option : std::bool_constant<is_center<T>::value || is_scale<T>::value> {};

template <std::size_t N>
constexpr std::array<double, N> filled(double v) {
  std::array<double, N> a{};
  for (auto& x : a) x = v;
  return a;
}
}  // namespace detail

template <class... Options>
struct batch_normalization {
  using ctnn_layer_spec = void;
  static constexpr std::string_view kind = "batch_normalization";
  static constexpr bool has_center = detail::find_option_t<detail::is_center, center<true>, Options...>::value;
  static constexpr bool has_scale = detail::find_option_t<detail::is_scale, scale<true>, Options...>::value;

  // Options: center<bool> and scale<bool>, each at most once. Any shape: axis=-1 normalizes
  // over every axis but the last.
  struct unknown_option {
    template <std::size_t Position, class Layer, class InputShape>
    struct report {
      static_assert(detail::layer_accepts<Position, Layer, InputShape>,
                    "ctnn::sequential: the layer at Position has an option it does not take (batch_normalization takes center<bool> and scale<bool>)");
    };
  };

  template <class In>
  static constexpr auto validate() {
    if constexpr (!(detail::is_batch_normalization_option<Options>::value && ...)) return unknown_option{};
    else if constexpr (detail::count_options<detail::is_center, Options...> > 1 ||
                       detail::count_options<detail::is_scale, Options...> > 1)
      return detail::option_twice{};
    else
      return detail::link_ok{};
  }

  template <class In>
  class layer {
   public:
    using input_shape = In;
    using output_shape = In;
    static constexpr std::string_view kind = batch_normalization::kind;
    // Values normalized together: the last axis; every sample holds `positions` of each.
    static constexpr std::size_t channels = In::rank == 0 ? 1 : In::dims[In::rank - 1];
    static constexpr std::size_t positions = In::size / channels;
    static constexpr std::size_t gamma_offset = 0;
    static constexpr std::size_t beta_offset = has_scale ? detail::aligned_count(channels) : 0;
    static constexpr std::size_t parameter_count = (std::size_t{has_scale} + std::size_t{has_center}) * channels;
    // moving_mean and moving_variance, which Keras counts as non-trainable params.
    static constexpr std::size_t non_trainable_parameter_count = 2 * channels;
    static constexpr std::size_t parameter_storage =
        beta_offset + (has_center ? detail::aligned_count(channels) : 0);

    static constexpr auto parameters = [] {
      constexpr parameter_info gamma{"gamma", {channels}, 1, channels, gamma_offset, channels, channels, parameter_role::gamma};
      constexpr parameter_info beta{"beta", {channels}, 1, channels, beta_offset, channels, channels, parameter_role::beta};
      if constexpr (has_scale && has_center) return std::array{gamma, beta};
      else if constexpr (has_scale) return std::array{gamma};
      else if constexpr (has_center) return std::array{beta};
      else return std::array<parameter_info, 0>{};
    }();

    // Run-time hyperparameters, Keras' defaults.
    double momentum = 0.99;
    double epsilon = 1e-3;
    // Non-trainable state: what inference normalizes with.
    std::array<double, channels> moving_mean = detail::filled<channels>(0.0);
    std::array<double, channels> moving_variance = detail::filled<channels>(1.0);
    // That state for save/load (layer_traits<L>::state_tensors), under Keras' names.
    std::array<state_tensor, 2> state_tensors() {
      return {state_tensor{"moving_mean", moving_mean}, state_tensor{"moving_variance", moving_variance}};
    }

    // gamma = 1, beta = 0, and fresh moving statistics: the layer as Keras builds it.
    template <class T>
    void initialize(std::span<T> p, detail::rng&) {
      if constexpr (has_scale) std::fill_n(p.begin() + gamma_offset, channels, T(1));
      if constexpr (has_center) std::fill_n(p.begin() + beta_offset, channels, T(0));
      moving_mean = detail::filled<channels>(0.0);
      moving_variance = detail::filled<channels>(1.0);
    }

    // Training: batch statistics (kept for backward), moving statistics updated. Inference: the
    // moving statistics. Then y = (x - mean) * (gamma / sqrt(variance + epsilon)) + beta.
    template <class T>
    void forward(const forward_io<T>& io, pass_context& ctx) {
      const std::size_t rows = io.n * positions;
      if (rows == 0) return;
      const bool training = ctx.phase == mode::training;
      if (training) batch_statistics(io.x, rows);
      std::array<T, channels> mean, factor, shift;
      for (std::size_t c = 0; c < channels; ++c) {
        const double inv_std = training ? batch_inv_std_[c] : 1.0 / std::sqrt(moving_variance[c] + epsilon);
        mean[c] = static_cast<T>(training ? batch_mean_[c] : moving_mean[c]);
        factor[c] = static_cast<T>(gamma(io.params, c) * inv_std);
        shift[c] = beta(io.params, c);
      }
      for (std::size_t r = 0; r < rows; ++r) {
        const T* x = io.x + r * channels;
        T* y = io.y + r * channels;
        for (std::size_t c = 0; c < channels; ++c) y[c] = (x[c] - mean[c]) * factor[c] + shift[c];
      }
    }

    // With x_hat = (x - mean) * inv_std and m = rows per channel (n x positions):
    //   dbeta = sum dy, dgamma = sum dy x_hat,
    //   training:  dx = gamma inv_std (dy - dbeta / m - x_hat dgamma / m)  (through the batch
    //              statistics, which depend on every x of the channel)
    //   inference: dx = gamma inv_std dy  (the moving statistics are constants)
    template <class T>
    void backward(const backward_io<T>& io, pass_context& ctx) const {
      const std::size_t rows = io.n * positions;
      const bool training = ctx.phase == mode::training;
      std::array<T, channels> mean, inv_std;
      for (std::size_t c = 0; c < channels; ++c) {
        mean[c] = static_cast<T>(training ? batch_mean_[c] : moving_mean[c]);
        inv_std[c] = static_cast<T>(training ? batch_inv_std_[c] : 1.0 / std::sqrt(moving_variance[c] + epsilon));
      }
      std::array<double, channels> sum_dy{}, sum_dy_xhat{};
      for (std::size_t r = 0; r < rows; ++r) {
        const T* x = io.x + r * channels;
        const T* dy = io.dy + r * channels;
        for (std::size_t c = 0; c < channels; ++c) {
          const T x_hat = (x[c] - mean[c]) * inv_std[c];
          sum_dy[c] += dy[c];
          sum_dy_xhat[c] += dy[c] * x_hat;
        }
      }
      if constexpr (has_scale)
        for (std::size_t c = 0; c < channels; ++c) io.grads[gamma_offset + c] = static_cast<T>(sum_dy_xhat[c]);
      if constexpr (has_center)
        for (std::size_t c = 0; c < channels; ++c) io.grads[beta_offset + c] = static_cast<T>(sum_dy[c]);
      if (!io.dx || rows == 0) return;

      std::array<T, channels> factor, mean_dy, mean_dy_xhat;
      const double m = static_cast<double>(rows);
      for (std::size_t c = 0; c < channels; ++c) {
        factor[c] = gamma(io.params, c) * inv_std[c];
        mean_dy[c] = training ? static_cast<T>(sum_dy[c] / m) : T(0);
        mean_dy_xhat[c] = training ? static_cast<T>(sum_dy_xhat[c] / m) : T(0);
      }
      for (std::size_t r = 0; r < rows; ++r) {
        const T* x = io.x + r * channels;
        const T* dy = io.dy + r * channels;
        T* dx = io.dx + r * channels;
        for (std::size_t c = 0; c < channels; ++c) {
          const T x_hat = (x[c] - mean[c]) * inv_std[c];
          dx[c] = factor[c] * (dy[c] - mean_dy[c] - x_hat * mean_dy_xhat[c]);
        }
      }
    }

    // The statistics of the last training pass (what its backward pass uses).
    const std::array<double, channels>& batch_mean() const noexcept { return batch_mean_; }
    const std::array<double, channels>& batch_inverse_std() const noexcept { return batch_inv_std_; }

   private:
    template <class T>
    static T gamma([[maybe_unused]] const T* params, [[maybe_unused]] std::size_t c) {
      if constexpr (has_scale) return params[gamma_offset + c];
      else return T(1);
    }
    template <class T>
    static T beta([[maybe_unused]] const T* params, [[maybe_unused]] std::size_t c) {
      if constexpr (has_center) return params[beta_offset + c];
      else return T(0);
    }

    // Mean and biased variance per channel over `rows` rows (two passes, accumulated in double),
    // then the moving averages, as Keras' _assign_moving_average.
    template <class T>
    void batch_statistics(const T* x, std::size_t rows) {
      std::array<double, channels> sum{}, squares{};
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < channels; ++c) sum[c] += x[r * channels + c];
      const double m = static_cast<double>(rows);
      for (std::size_t c = 0; c < channels; ++c) batch_mean_[c] = sum[c] / m;
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < channels; ++c) {
          const double d = x[r * channels + c] - batch_mean_[c];
          squares[c] += d * d;
        }
      for (std::size_t c = 0; c < channels; ++c) {
        const double variance = squares[c] / m;
        batch_inv_std_[c] = 1.0 / std::sqrt(variance + epsilon);
        moving_mean[c] -= (moving_mean[c] - batch_mean_[c]) * (1.0 - momentum);
        moving_variance[c] -= (moving_variance[c] - variance) * (1.0 - momentum);
      }
    }

    std::array<double, channels> batch_mean_{}, batch_inv_std_ = detail::filled<channels>(1.0);
  };
};

}  // namespace ctnn
