#pragma once
// The stages of a ctnn::quantized network, one per layer: a dense layer on a rank-1 input becomes
// a reduced-precision stage holding its own kernel (bf16, or int8 with per-unit scales) and
// float bias; a layer without parameters or state (flatten, reshape, dropout, noise, an
// activation) runs its own float forward pass. Every buffer a stage uses is allocated when it is
// made, so running one allocates nothing.
#include "../../detail/xsimd.hpp"  // first: see detail/xsimd.hpp
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

#include "../../core/layer.hpp"
#include "../../core/layer_traits.hpp"
#include "../../detail/aligned_buffer.hpp"
#include "../../detail/finite.hpp"
#include "../../kernels/activation.hpp"
#include "../../kernels/bf16_gemv.hpp"
#include "../../kernels/int8_gemv.hpp"
#include "../bf16.hpp"
#include "../int8.hpp"

CTNN_DETAIL_SIMD_BEGIN
namespace ctnn::detail {

template <class T>
using aligned_words = std::vector<T, aligned_allocator<T, buffer_alignment>>;

// A dense layer whose kernel a reduced-precision stage can hold: Keras' Dense on features.
template <class L>
concept quantizable_dense = L::kind == std::string_view("dense") && L::input_shape::rank == 1;

// A layer that runs unchanged: nothing trainable, nothing kept in the layer object.
template <class L>
concept stateless_layer = L::parameter_storage == 0 && layer_traits<L>::non_trainable_parameter_count == 0;

// The offset of L's parameter `name` in its arena slice; none: absent (a dense without bias).
inline constexpr std::size_t none = std::numeric_limits<std::size_t>::max();
template <class L>
constexpr std::size_t parameter_offset(std::string_view name) {
  for (const auto& p : L::parameters)
    if (p.name == name) return p.offset;
  return none;
}

// What every reduced-precision dense stage shares: the float bias and the activation, applied to
// the de-scaled sums.
template <class L>
struct dense_stage_base {
  static constexpr std::size_t in = L::in_features;
  static constexpr std::size_t out = L::output_shape::size;
  typename layer_traits<L>::activation_type activation{};
  aligned_words<float> bias = aligned_words<float>(out, 0.0f);

  void load_bias(const float* params) {
    if constexpr (parameter_offset<L>("bias") != none)
      std::copy(params + parameter_offset<L>("bias"), params + parameter_offset<L>("bias") + out, bias.begin());
  }
  void finish(float* y) const { kernels::activate(activation, y, 1, out); }
  // The trained layer's run-time settings: its activation's (leaky_relu's alpha, say).
  void adopt(const L& trained) { activation = trained.activation; }
};

template <class L, class Precision>
struct quantized_dense;

template <class L>
struct quantized_dense<L, bf16> : dense_stage_base<L> {
  using base = dense_stage_base<L>;
  using gemv = kernels::bf16_gemv<base::in, base::out>;
  static constexpr std::size_t weight_bytes = gemv::words * 4 + base::out * sizeof(float);
  aligned_words<std::uint32_t> kernel = aligned_words<std::uint32_t>(gemv::words, 0u);
  aligned_words<float> sums = aligned_words<float>(gemv::padded_columns, 0.0f);

  void load(const float* params) {
    gemv::pack(params + parameter_offset<L>("kernel"), kernel.data());
    this->load_bias(params);
  }
  void run(const float* x, float* y) {
    gemv::apply(x, kernel.data(), sums.data());
    for (std::size_t j = 0; j < base::out; ++j) y[j] = sums[j] + this->bias[j];
    this->finish(y);
  }
};

template <class L>
struct quantized_dense<L, int8> : dense_stage_base<L> {
  using base = dense_stage_base<L>;
  using gemv = kernels::int8_gemv<base::in, base::out>;
  static constexpr std::size_t weight_bytes = gemv::words * 4 + 2 * base::out * sizeof(float);
  static constexpr float epsilon = 1e-7f;  // Keras' backend.epsilon(), abs_max_quantize's
  aligned_words<std::uint32_t> kernel = aligned_words<std::uint32_t>(gemv::words, 0u);
  aligned_words<float> kernel_scale = aligned_words<float>(base::out, 0.0f);
  aligned_words<std::int8_t> x_q = aligned_words<std::int8_t>(gemv::padded_in, 0);
  aligned_words<std::int32_t> acc = aligned_words<std::int32_t>(gemv::padded_columns, 0);

  // clip(round(v * scale), -127, 127), ties to even: v * scale is finite here.
  static std::int8_t quantize(float v, float scale) noexcept {
    const float r = std::nearbyint(v * scale);
    return static_cast<std::int8_t>(std::clamp(r, -127.0f, 127.0f));
  }

  // max |x[i]| of finite values, in batches (a maximum is exact in any order).
  static float abs_max(const float* x) noexcept {
    using fb = xsimd::batch<float>;
    constexpr std::size_t w = fb::size;
    constexpr std::size_t full = base::in / w * w;
    fb m(0.0f);
    for (std::size_t i = 0; i < full; i += w) m = xsimd::max(m, xsimd::abs(fb::load_unaligned(x + i)));
    alignas(64) float lanes[w];
    m.store_aligned(lanes);
    float amax = 0.0f;
    for (const float v : lanes) amax = std::max(amax, v);
    for (std::size_t i = full; i < base::in; ++i) amax = std::max(amax, std::abs(x[i]));
    return amax;
  }

  // x_q = quantize(x, scale), whole batches in xsimd (nearbyint rounds ties to even, as
  // std::nearbyint does), the rest one at a time: the same values either way.
  void quantize_input(const float* x, float scale) {
    using fb = xsimd::batch<float>;
    constexpr std::size_t w = fb::size;
    constexpr std::size_t full = base::in / w * w;  // bounds from sizes alone (GCC 12's loop warnings)
    alignas(64) std::int32_t q[w];
    std::int8_t* const out = x_q.data();  // a local: byte stores could alias the member's pointer
    for (std::size_t i = 0; i < full; i += w) {
      const fb r = xsimd::nearbyint(fb::load_unaligned(x + i) * fb(scale));
      xsimd::to_int(xsimd::min(xsimd::max(r, fb(-127.0f)), fb(127.0f))).store_aligned(q);
      for (std::size_t k = 0; k < w; ++k) out[i + k] = static_cast<std::int8_t>(q[k]);
    }
    for (std::size_t i = full; i < base::in; ++i) out[i] = quantize(x[i], scale);
  }

  void load(const float* params) {
    const float* const w = params + parameter_offset<L>("kernel");
    std::vector<std::int8_t> q(base::in * base::out);
    for (std::size_t j = 0; j < base::out; ++j) {
      float amax = 0.0f;
      for (std::size_t i = 0; i < base::in; ++i) amax = std::max(amax, std::abs(w[i * base::out + j]));
      kernel_scale[j] = 127.0f / (amax + epsilon);
      for (std::size_t i = 0; i < base::in; ++i) q[i * base::out + j] = quantize(w[i * base::out + j], kernel_scale[j]);
    }
    gemv::pack(q.data(), kernel.data());
    this->load_bias(params);
  }
  // An input with a NaN or an infinity has no scale: its outputs are NaN, as float's would be.
  void run(const float* x, float* y) {
    if (first_out_of_range(x, base::in, std::numeric_limits<float>::max()) != base::in) {
      std::fill(y, y + base::out, std::numeric_limits<float>::quiet_NaN());
      return;
    }
    const float x_scale = 127.0f / (abs_max(x) + epsilon);
    quantize_input(x, x_scale);
    gemv::apply(x_q.data(), kernel.data(), acc.data());
    for (std::size_t j = 0; j < base::out; ++j)
      y[j] = static_cast<float>(acc[j]) / (x_scale * kernel_scale[j]) + this->bias[j];
    this->finish(y);
  }
};

// A layer without parameters or state, run as it is (in inference: dropout and noise pass their
// input through).
template <class L>
struct float_stage {
  static constexpr std::size_t weight_bytes = 0;
  L layer{};
  aligned_words<float> workspace = aligned_words<float>(layer_traits<L>::workspace_size, 0.0f);

  void load(const float*) {}
  void adopt(const L& trained) { layer = trained; }
  void run(const float* x, float* y) {
    pass_context ctx{.phase = mode::inference, .backward_follows = false};
    layer.forward(forward_io<float>{nullptr, x, y, 1, workspace.data(), nullptr}, ctx);
  }
};

}  // namespace ctnn::detail
CTNN_DETAIL_SIMD_END
