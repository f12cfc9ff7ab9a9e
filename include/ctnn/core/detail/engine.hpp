#pragma once
// detail::engine<Network, Loss, Optimizer>: what a ctnn::model owns and does underneath its
// Keras façade: the layer objects, the parameter, gradient and optimizer-state arenas, the
// training workspace (the batch and a pass's buffers, carved by detail::layout), the random
// generator and the update counter; one training step (forward, loss, backward, the NaN guard,
// the optimizer's update) and the evaluation of rows of a dataset. The epoch loop is
// core/detail/fit_loop.hpp; the public API is core/model.hpp.
#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "../../detail/aligned_buffer.hpp"
#include "../../detail/check_link.hpp"
#include "../../detail/finite.hpp"
#include "../../detail/random.hpp"
#include "../../kernels/parallel.hpp"
#include "../../losses/loss_function.hpp"
#include "../../optimizers/optimizer.hpp"
#include "../fit_options.hpp"
#include "../gradient_guard.hpp"
#include "../history.hpp"
#include "../layer.hpp"
#include "../layer_traits.hpp"
#include "../samples.hpp"
#include "../sequential.hpp"
#include "layout.hpp"

namespace ctnn {

// Options of the model itself.
struct model_options {
  // Seeds the initial weights, shuffling and stochastic layers: the same seed reproduces a
  // whole training run bit for bit (on one thread).
  std::uint64_t seed = 42;
};

namespace detail {

// What model::step refuses, each in one sentence.
template <class InputShape>
inline constexpr bool is_a_sequence = false;
struct not_a_sequence {
  template <class InputShape>
  struct report {
    static_assert(is_a_sequence<InputShape>,
                  "ctnn::model::step: the network's input InputShape is not a sequence; step runs a network on ctnn::input<Timesteps, Features> one step of Features at a time");
  };
};
struct cannot_stream {
  template <std::size_t Position, class Layer, class InputShape>
  struct report {
    static_assert(layer_accepts<Position, Layer, InputShape>,
                  "ctnn::model::step: the layer at Position cannot run one time step at a time (it needs the whole sequence: flatten or global pooling over time, go_backwards, a convolution that is not causal with stride 1); use predict on whole sequences");
  };
};

template <class Network, class Loss, class Optimizer>
class engine {
 public:
  using input_shape = typename Network::input_shape;
  using output_shape = typename Network::output_shape;
  using label_shape = typename Loss::template label_shape<output_shape>;
  using loss_type = Loss;

  explicit engine(Optimizer optimizer, Loss loss, model_options options)
      : loss_(loss), optimizer_(optimizer), seed_(options.seed), rng_(options.seed),
        params_(Network::parameter_storage, 0.0f), grads_(Network::parameter_storage, 0.0f),
        state_(optimizer.state_size(Network::parameter_storage), 0.0f),
        inference_(Network::inference_workspace_size, 0.0f), streaming_(layout::streaming_state_storage, 0.0f) {
    initialize(std::make_index_sequence<Network::layer_count>{});
    warm_up();
  }

  // Makes predict_one allocation-free on the calling thread from its first call: the matrix
  // kernel's per-thread packing buffer (kernels/gemm.hpp), which a convolution's products use,
  // grows here. The constructor does it for the thread that builds the model; a program that
  // runs inference on another thread (an audio or control thread) calls warm_up() there once,
  // before real time starts.
  void warm_up() {
    const std::vector<float> zeros(input_shape::size, 0.0f);
    (void)predict_one(std::span<const float, input_shape::size>(zeros.data(), input_shape::size));
  }

  // Inference on one sample: no heap allocation (see warm_up), fixed workspace, no thread
  // started. The returned view stays valid until the next call on this model.
  std::span<const float, output_shape::size> predict_one(std::span<const float, input_shape::size> x) {
    const kernels::thread_limit one_thread(1);  // never starts a thread, whatever the caller's limit
    pass_context ctx{.phase = mode::inference, .rng = &rng_, .backward_follows = false};
    if constexpr (Network::layer_count > 0) {
      const auto b = layout::carve(inference_.data(), 1, {});
      layout::forward(layers_, params_.data(), x.data(), b, ctx);
      return std::span<const float, output_shape::size>(b.output(), output_shape::size);
    } else {
      return std::span<const float, output_shape::size>(inference_.data(), output_shape::size);
    }
  }

  // ---- Streaming: Keras' stateful inference, one time step at a time --------------------
  static constexpr std::size_t step_input_size = Network::layout::step_input_size;
  static constexpr std::size_t step_output_size = Network::layout::step_output_size;

  // One time step of a sequence (step_input_size features) through every layer, each carrying
  // its state from the previous call; returns this step's output (the last layer's step, or its
  // whole output where the time axis is gone: what predict would give for the sequence so far).
  // As predict_one: no heap allocation, no lock, no thread started; the view stays valid until
  // the next call. A network that cannot stream does not compile (one sentence naming the layer).
  std::span<const float, step_output_size> step(std::span<const float, step_input_size> x) {
    const std::span<const float, step_output_size> out(inference_.data(), step_output_size);
    if constexpr (input_shape::rank != 2) {
      (void)sizeof(not_a_sequence::report<input_shape>);
    } else if constexpr (layout::first_not_streaming < Network::layer_count) {
      using L = std::tuple_element_t<layout::first_not_streaming, typename Network::layer_types>;
      (void)sizeof(cannot_stream::report<layout::first_not_streaming, L, typename L::input_shape>);
    } else {
      const kernels::thread_limit one_thread(1);
      pass_context ctx{.phase = mode::inference, .rng = &rng_, .backward_follows = false};
      const auto b = layout::carve(inference_.data(), 1, {});
      layout::step(layers_, params_.data(), x.data(), streaming_.data(), b, ctx);
      return std::span<const float, step_output_size>(b.output(), step_output_size);
    }
    return out;
  }
  // Back to the start of a sequence: every layer's streaming state is zero.
  void reset_states() noexcept { std::fill(streaming_.begin(), streaming_.end(), 0.0f); }
  // The streaming state of every layer (layer I's at layout::streaming_state_offsets[I]), to
  // save, restore or copy to another model of the same type.
  std::span<float> streaming_state() noexcept { return {streaming_.data(), streaming_.size()}; }
  std::span<const float> streaming_state() const noexcept { return {streaming_.data(), streaming_.size()}; }

  // The flat parameter arena (layer slices at Network::parameter_offsets, SIMD padding between).
  std::span<float> parameters() noexcept { return {params_.data(), params_.size()}; }
  std::span<const float> parameters() const noexcept { return {params_.data(), params_.size()}; }
  std::span<const float> gradients() const noexcept { return {grads_.data(), grads_.size()}; }

  // Layer I's bound layer object (its run-time hyperparameters and state).
  template <std::size_t I> auto& layer() noexcept { return std::get<I>(layers_); }
  template <std::size_t I> const auto& layer() const noexcept { return std::get<I>(layers_); }
  // Layer I's parameter tensor P ("kernel" = 0, "bias" = 1 for dense), flat.
  template <std::size_t I, std::size_t P = 0>
  std::span<float> parameter() noexcept {
    using L = std::tuple_element_t<I, typename Network::layer_types>;
    constexpr auto info = L::parameters[P];
    return {params_.data() + Network::parameter_offsets[I] + info.offset, info.size};
  }
  template <std::size_t I, std::size_t P = 0>
  std::span<const float> gradient() const noexcept {
    using L = std::tuple_element_t<I, typename Network::layer_types>;
    constexpr auto info = L::parameters[P];
    return {grads_.data() + Network::parameter_offsets[I] + info.offset, info.size};
  }

  Optimizer& optimizer() noexcept { return optimizer_; }
  const Optimizer& optimizer() const noexcept { return optimizer_; }
  const Loss& loss() const noexcept { return loss_; }
  // The optimizer's state arena (moments, velocities), sized optimizer().state_size(
  // parameters().size()), and the number of updates so far (Keras' optimizer.iterations):
  // together with parameters() what a checkpoint needs for fit to resume exactly.
  std::span<float> optimizer_state() noexcept { return {state_.data(), state_.size()}; }
  std::span<const float> optimizer_state() const noexcept { return {state_.data(), state_.size()}; }
  std::uint64_t iterations() const noexcept { return step_; }
  void set_iterations(std::uint64_t step) noexcept { step_ = step; }
  // The random generator behind shuffling and stochastic layers (dropout, noise): saved with
  // the weights (ctnn::save), it makes a resumed fit draw what the uninterrupted one would have.
  std::array<std::uint64_t, 4> rng_state() const noexcept { return rng_.state(); }
  void set_rng_state(const std::array<std::uint64_t, 4>& state) { rng_.set_state(state); }

  detail::rng& rng() noexcept { return rng_; }

  using layout = typename Network::layout;
  template <class Tuple> struct last_activation { using type = void; };
  template <class... Ls> requires(sizeof...(Ls) > 0)
  struct last_activation<std::tuple<Ls...>> {
    using type = typename layer_traits<std::tuple_element_t<sizeof...(Ls) - 1, std::tuple<Ls...>>>::activation_type;
  };
  // Whether the loss hands the last layer dL/dz directly (softmax + cross-entropy).
  static constexpr bool fused =
      detail::fused_loss<Loss, typename last_activation<typename Network::layer_types>::type>;
  // A training pass: gradients, and the logits where the loss is computed from them.
  static constexpr detail::pass_needs training_pass{.gradients = true, .logits = fused};

  void validate_labels(const float* y, std::size_t n) const {
    if constexpr (requires { loss_.validate_labels(y, n, output_shape::size); })
      loss_.validate_labels(y, n, output_shape::size);
  }
  template <std::size_t... YD>
  void validate_labels(const samples<YD...>& y) const { validate_labels(y.data(), y.size()); }

  // Loss and accuracy over rows [first, first + count) of a dataset, in inference mode.
  template <class D>
  evaluation evaluate_rows(D& data, std::size_t first, std::size_t count, std::size_t batch_size) {
    double loss_sum = 0;
    std::size_t hits = 0, counted = 0;
    if constexpr (Network::valid) {
      const std::size_t batch = std::min(batch_size, count);
      reserve(batch);
      std::vector<std::size_t> rows(batch);
      pass_context ctx{.phase = mode::inference, .rng = &rng_, .backward_follows = false};
      for (std::size_t done = 0; done < count; done += batch) {
        const std::size_t m = std::min(batch, count - done);
        for (std::size_t r = 0; r < m; ++r) rows[r] = first + done + r;
        data.read(std::span<const std::size_t>(rows.data(), m), bx(), by());
        validate_labels(by(), m);
        const float* out = forward(bx(), m, ctx);
        loss_sum += summed_loss(out, by(), m);
        hits += Loss::accuracy::correct(out, by(), m, output_shape::size);
        counted += Loss::accuracy::count(m, output_shape::size);
      }
    }
    double penalty = 0;
    if constexpr (Network::regularized) penalty = Network::regularization_penalty(layers_, params_.data());
    return {loss_sum / static_cast<double>(count) + penalty, static_cast<double>(hits) / static_cast<double>(counted)};
  }

  // Training workspace for up to `rows` samples: the batch's inputs and labels, then a training
  // pass's buffers (layout::carve). Grows only.
  void reserve(std::size_t rows) {
    if (rows <= capacity_) return;
    work_.assign(rows * (detail::aligned_count(input_shape::size) + detail::aligned_count(label_shape::size)) +
                     layout::pass_floats(rows, training_pass),
                 0.0f);
    capacity_ = rows;
  }
  float* bx() noexcept { return work_.data(); }
  float* by() noexcept { return bx() + capacity_ * detail::aligned_count(input_shape::size); }
  // The buffers of a pass over m <= capacity_ samples.
  typename layout::template buffers<float> pass(std::size_t m) noexcept {
    return layout::carve(by() + capacity_ * detail::aligned_count(label_shape::size), m, training_pass);
  }

  // Runs the batch x of m samples forward; returns the network's output. The logits are written
  // too where the loss reads them, unless only the outputs are wanted (predict).
  enum class logits { write, skip };
  const float* forward(const float* x, std::size_t m, pass_context& ctx, logits want = logits::write) {
    auto b = pass(m);
    if (want == logits::skip) b.logits = nullptr;
    layout::forward(layers_, params_.data(), x, b, ctx);
    return b.output();
  }
  // The sum of per-sample losses of the batch just run forward: from the logits where the loss
  // fuses with the last activation (Keras computes cross-entropy from the logits there: exact
  // where the activation saturates), from the outputs otherwise.
  double summed_loss(const float* out, const float* y, std::size_t m) {
    if constexpr (fused) return loss_.preactivation_value(pass(m).logits, out, y, m, output_shape::size);
    else return loss_.value(out, y, m, output_shape::size);
  }

  // What backprop found: the sum of per-sample losses, accuracy hits, and whether every gradient
  // is finite and within detail::gradient_limit.
  struct step_result {
    double loss;
    std::size_t hits;
    bool gradients_in_range;
  };

  // Forward + backward on m samples, the gradients into gradients().
  step_result backprop(const float* x, const float* y, std::size_t m) {
    gradient_guard guard;
    pass_context ctx{mode::training, &rng_, &guard};
    const auto b = pass(m);
    const float* out = forward(x, m, ctx);
    const double loss = summed_loss(out, y, m);
    const std::size_t hits = Loss::accuracy::correct(out, y, m, output_shape::size);
    if constexpr (fused) loss_.preactivation_gradient(out, y, b.gradients[0], m, output_shape::size);
    else loss_.gradient(out, y, b.gradients[0], m, output_shape::size);
    layout::backward(layers_, params_.data(), grads_.data(), x, b, fused, ctx);
    // Layers that do not report their gradients to the guard are scanned here.
    const bool in_range =
        !guard.tripped() && unreported_gradients_in_range(std::make_index_sequence<Network::layer_count>{});
    if constexpr (Network::regularized) {
      // Keras adds the penalties to the batch-mean loss (so they show in the reported loss).
      Network::add_regularization_gradients(layers_, params_.data(), grads_.data());
      return {loss + static_cast<double>(m) * Network::regularization_penalty(layers_, params_.data()), hits, in_range};
    }
    return {loss, hits, in_range};
  }

  // Applies the step backprop computed unless the NaN guard refuses it; returns why it was
  // refused (unsafe_step, or an update that overflowed), or "" when it was applied.
  std::string apply_checked(const step_result& result, const float* x, std::size_t m,
                            std::span<const std::size_t> rows) {
    std::string refused = unsafe_step(result, x, m, rows);
    if (refused.empty() && !apply_update())
      refused = "the optimizer's step overflowed float32; the elements it would have made non-finite kept their "
                "values, terminating training";
    return refused;
  }

 private:
  template <std::size_t... I>
  void initialize(std::index_sequence<I...>) {
    (std::get<I>(layers_).initialize(layout::template slice<I>(params_.data()), rng_), ...);
  }

  // Why the step just computed (loss, gradients()) must not be applied, or "" when it may be.
  // Each gradient must be finite and at most detail::gradient_limit in magnitude, which keeps
  // every built-in optimizer's step finite; backprop checked that where the gradients were
  // written (core/gradient_guard.hpp), and only a refusal scans them again, to name one.
  // On refusal, the first input row of the batch holding a NaN or an infinity is named (rows:
  // the batch's sample indices in the dataset, or empty for train_on_batch).
  std::string unsafe_step(const step_result& result, const float* x, std::size_t m,
                          std::span<const std::size_t> rows) const {
    std::string why;
    if (!std::isfinite(result.loss)) {
      why = "invalid loss (" + std::to_string(result.loss / static_cast<double>(m)) + ")";
    } else if (!result.gradients_in_range) {
      const std::size_t k = detail::first_out_of_range(grads_.data(), grads_.size(), detail::gradient_limit);
      why = k == grads_.size() ? std::string("a gradient is not finite")
                               : "gradient " + std::to_string(grads_[k]) + " of " + parameter_text(k) +
                                     (std::isfinite(grads_[k]) ? " exceeds 2^63 (an exploding gradient)" : " is not finite");
    } else {
      return {};
    }
    if (const std::size_t r = detail::first_non_finite_row(x, m, input_shape::size); r != m)
      why += "; input row " + std::to_string(r) + " of the batch" +
             (rows.empty() ? std::string() : " (sample " + std::to_string(rows[r]) + ")") +
             " holds a NaN or an infinity";
    return why + ", terminating training; the parameters are those before this batch";
  }
  // Whether the gradients of the layers that do not check their own (detail::checks_gradients)
  // are all finite and within detail::gradient_limit.
  template <std::size_t... I>
  bool unreported_gradients_in_range(std::index_sequence<I...>) const {
    const auto in_range = [&](auto index) {
      using L = std::tuple_element_t<decltype(index)::value, typename Network::layer_types>;
      if constexpr (layer_traits<L>::checks_gradients || L::parameter_storage == 0) {
        return true;
      } else {
        const float* g = grads_.data() + Network::parameter_offsets[decltype(index)::value];
        return detail::first_out_of_range(g, L::parameter_storage, detail::gradient_limit) == L::parameter_storage;
      }
    };
    return (in_range(std::integral_constant<std::size_t, I>{}) && ...);
  }
  // Element k of the parameter arena as "parameter k' of layer I".
  static std::string parameter_text(std::size_t k) {
    std::size_t layer = 0;
    for (std::size_t i = 0; i < Network::layer_count; ++i)
      if (Network::parameter_offsets[i] <= k) layer = i;
    const std::size_t offset = Network::layer_count ? Network::parameter_offsets[layer] : 0;
    return "parameter " + std::to_string(k - offset) + " of layer " + std::to_string(layer);
  }

  // Applies the optimizer's step; false when some element kept its old values because its new
  // ones would not have been finite (optimizer law 7). An optimizer whose update returns void
  // is checked after the step, in a separate pass.
  bool apply_update() {
    const std::uint64_t step = ++step_;
    const auto run = [&](std::span<float> p, std::span<const float> g, std::span<float> st) {
      if constexpr (std::is_same_v<decltype(optimizer_.update(p, g, st, step)), bool>) {
        return optimizer_.update(p, g, st, step);
      } else {
        optimizer_.update(p, g, st, step);
        return detail::first_out_of_range(p.data(), p.size(), std::numeric_limits<float>::max()) == p.size() &&
               detail::first_out_of_range(st.data(), st.size(), std::numeric_limits<float>::max()) == st.size();
      }
    };
    const std::size_t n = params_.size(), slice = std::size_t{1} << 16, slots = optimizer_.state_slots();
    // Several threads: slices of 2^16 parameters updated in parallel when the optimizer keeps
    // at most one state slot (sgd, rmsprop; optimizer laws 1 and 3: updates are element-wise,
    // a slice of the parameters takes the same slice of that slot). Slices start at multiples
    // of every SIMD width, so each value is computed as in one call: the same bits. State that
    // no longer fits the optimizer (a hyperparameter changed) goes to the one call, which
    // rejects it.
    if (kernels::max_threads() > 1 && n > slice && slots <= 1 && state_.size() == optimizer_.state_size(n)) {
      std::atomic<bool> committed{true};
      kernels::detail::parallel_for(kernels::max_threads(), (n + slice - 1) / slice, [&](std::size_t s) {
        const std::size_t first = s * slice, count = std::min(slice, n - first);
        if (!run(std::span<float>(params_.data() + first, count), std::span<const float>(grads_.data() + first, count),
                 std::span<float>(state_.data() + slots * first, slots * count)))
          committed = false;
      });
      return committed;
    }
    return run(std::span<float>(params_.data(), params_.size()), std::span<const float>(grads_.data(), grads_.size()),
               std::span<float>(state_.data(), state_.size()));
  }

  typename Network::layer_types layers_{};
  Loss loss_;
  Optimizer optimizer_;
  std::uint64_t seed_;
  detail::rng rng_;
  std::uint64_t step_ = 0;
  detail::aligned_vector params_, grads_, state_, inference_, streaming_, work_;
  std::size_t capacity_ = 0;
};

}  // namespace detail
}  // namespace ctnn
