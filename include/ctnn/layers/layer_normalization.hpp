#pragma once
// ctnn::layer_normalization<Options...>: Keras' LayerNormalization with axis=-1. Each sample's
// values along the last axis (the features of a rank-1 input, the channels of every pixel of an
// (h, w, c) image, the features of every step of a sequence) are normalized by their own mean and
// biased variance, the same in training and inference (no state), then scaled by gamma and
// shifted by beta, both of the last axis' size. Keras 3's formula, epsilon inside the root:
//   inv = gamma / sqrt(variance + epsilon),   y = x * inv + (beta - mean * inv)
// which is gamma (x - mean) / sqrt(variance + epsilon) + beta.
//
// Options, in any order, as Keras' keyword arguments: center<bool> (beta, default true) and
// scale<bool> (gamma, default true), the spellings of ctnn::batch_normalization. gamma starts at
// ones, beta at zeros (Keras' default initializers; other initializers, regularizers, axes other
// than -1 and rms_scaling are not offered). epsilon (1e-3) is a run-time member of the bound
// layer (model.layer<I>().epsilon), as batch_normalization's.
//
// The statistics of a row are accumulated in double whichever T a pass runs in, and recomputed
// from x in the backward pass (two passes over a row: no workspace, no state). With
// x_hat = (x - mean) / sqrt(variance + epsilon), g = dy gamma and means over the row's k values:
//   dgamma = sum over rows of dy x_hat, dbeta = sum over rows of dy,
//   dx = (g - mean(g) - x_hat mean(g x_hat)) / sqrt(variance + epsilon).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <string_view>

#include "../core/layer.hpp"
#include "../core/shape.hpp"
#include "../detail/aligned_buffer.hpp"
#include "../detail/check_link.hpp"
#include "../detail/options.hpp"
#include "../detail/random.hpp"
#include "center.hpp"
#include "scale.hpp"

namespace ctnn {

template <class... Options>
struct layer_normalization {
  using ctnn_layer_spec = void;
  static constexpr std::string_view kind = "layer_normalization";
  static constexpr bool has_center = detail::find_option_t<detail::is_center, center<true>, Options...>::value;
  static constexpr bool has_scale = detail::find_option_t<detail::is_scale, scale<true>, Options...>::value;

  struct unknown_option {
    template <std::size_t Position, class Layer, class InputShape>
    struct report {
      static_assert(detail::layer_accepts<Position, Layer, InputShape>,
                    "ctnn::sequential: the layer at Position has an option it does not take (layer_normalization takes center<bool> and scale<bool>)");
    };
  };

  // Any shape: axis=-1 normalizes along the last axis.
  template <class In>
  static constexpr auto validate() {
    if constexpr (!((detail::is_center<Options>::value || detail::is_scale<Options>::value) && ...))
      return unknown_option{};
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
    static constexpr std::string_view kind = layer_normalization::kind;
    // Values normalized together: the last axis; every sample holds `positions` such rows.
    static constexpr std::size_t features = In::dims[In::rank - 1];
    static constexpr std::size_t positions = In::size / features;
    static constexpr std::size_t gamma_offset = 0;
    static constexpr std::size_t beta_offset = has_scale ? detail::aligned_count(features) : 0;
    static constexpr std::size_t parameter_count = (std::size_t{has_scale} + std::size_t{has_center}) * features;
    static constexpr std::size_t parameter_storage = beta_offset + (has_center ? detail::aligned_count(features) : 0);

    static constexpr auto parameters = [] {
      constexpr parameter_info gamma{"gamma", {features}, 1, features, gamma_offset, features, features, parameter_role::gamma};
      constexpr parameter_info beta{"beta", {features}, 1, features, beta_offset, features, features, parameter_role::beta};
      if constexpr (has_scale && has_center) return std::array{gamma, beta};
      else if constexpr (has_scale) return std::array{gamma};
      else if constexpr (has_center) return std::array{beta};
      else return std::array<parameter_info, 0>{};
    }();

    // Run-time hyperparameter, Keras' default.
    double epsilon = 1e-3;

    // gamma = 1, beta = 0: the layer as Keras builds it.
    template <class T>
    void initialize(std::span<T> p, detail::rng&) const {
      if constexpr (has_scale) std::fill_n(p.begin() + gamma_offset, features, T(1));
      if constexpr (has_center) std::fill_n(p.begin() + beta_offset, features, T(0));
    }

    template <class T>
    void forward(const forward_io<T>& io, pass_context&) const {
      for (std::size_t r = 0; r < io.n * positions; ++r) {
        const T* x = io.x + r * features;
        T* y = io.y + r * features;
        const auto [mean, inv_std] = moments(x);
        for (std::size_t c = 0; c < features; ++c) {
          const double inv = gamma(io.params, c) * inv_std;
          y[c] = x[c] * static_cast<T>(inv) + static_cast<T>(beta(io.params, c) - mean * inv);
        }
      }
    }

    template <class T>
    void backward(const backward_io<T>& io, pass_context&) const {
      std::array<double, features> sum_dy{}, sum_dy_xhat{};
      for (std::size_t r = 0; r < io.n * positions; ++r) {
        const T* x = io.x + r * features;
        const T* dy = io.dy + r * features;
        const auto [mean, inv_std] = moments(x);
        double mean_g = 0, mean_g_xhat = 0;
        for (std::size_t c = 0; c < features; ++c) {
          const double x_hat = (x[c] - mean) * inv_std, g = dy[c] * gamma(io.params, c);
          sum_dy[c] += dy[c];
          sum_dy_xhat[c] += dy[c] * x_hat;
          mean_g += g;
          mean_g_xhat += g * x_hat;
        }
        if (!io.dx) continue;
        mean_g /= static_cast<double>(features);
        mean_g_xhat /= static_cast<double>(features);
        T* dx = io.dx + r * features;
        for (std::size_t c = 0; c < features; ++c) {
          const double x_hat = (x[c] - mean) * inv_std, g = dy[c] * gamma(io.params, c);
          dx[c] = static_cast<T>(inv_std * (g - mean_g - x_hat * mean_g_xhat));
        }
      }
      if constexpr (has_scale)
        for (std::size_t c = 0; c < features; ++c) io.grads[gamma_offset + c] = static_cast<T>(sum_dy_xhat[c]);
      if constexpr (has_center)
        for (std::size_t c = 0; c < features; ++c) io.grads[beta_offset + c] = static_cast<T>(sum_dy[c]);
    }

   private:
    struct row_moments {
      double mean, inv_std;
    };
    // Mean and 1 / sqrt(biased variance + epsilon) of one row, two passes in double.
    template <class T>
    row_moments moments(const T* x) const {
      double sum = 0;
      for (std::size_t c = 0; c < features; ++c) sum += x[c];
      const double mean = sum / static_cast<double>(features);
      double squares = 0;
      for (std::size_t c = 0; c < features; ++c) squares += (x[c] - mean) * (x[c] - mean);
      return {mean, 1.0 / std::sqrt(squares / static_cast<double>(features) + epsilon)};
    }
    template <class T>
    static double gamma([[maybe_unused]] const T* params, [[maybe_unused]] std::size_t c) {
      if constexpr (has_scale) return params[gamma_offset + c];
      else return 1.0;
    }
    template <class T>
    static double beta([[maybe_unused]] const T* params, [[maybe_unused]] std::size_t c) {
      if constexpr (has_center) return params[beta_offset + c];
      else return 0.0;
    }
  };
};

}  // namespace ctnn
