#pragma once
// ctnn::model<Network, Loss, Optimizer>: a network compiled with a loss and an optimizer, as
// Keras' model.compile(...), with fit / evaluate / predict.
//
// Memory: the parameters, gradients and optimizer state are three flat arenas allocated when
// the model is built; a training workspace is allocated when fit() first sees a batch size and
// reused after that. predict_one() uses a workspace of Network::inference_workspace_size floats
// allocated with the model, so inference on one sample never touches the heap.
#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <ostream>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "../callbacks/callback.hpp"
#include "../data/dataset.hpp"
#include "../data/memory_dataset.hpp"
#include "../detail/aligned_buffer.hpp"
#include "../detail/finite.hpp"
#include "../detail/progress.hpp"
#include "../detail/random.hpp"
#include "../kernels/parallel.hpp"
#include "../detail/random_permutation.hpp"
#include "../losses/loss_function.hpp"
#include "../optimizers/optimizer.hpp"
#include "fit_options.hpp"
#include "history.hpp"
#include "layer.hpp"
#include "samples.hpp"
#include "sequential.hpp"
#include "validation_data.hpp"

namespace ctnn {

// Options of the model itself.
struct model_options {
  // Seeds the initial weights, shuffling and stochastic layers: the same seed reproduces a
  // whole training run bit for bit (on one thread).
  std::uint64_t seed = 42;
};

namespace detail {
template <class Shape> struct samples_of;
template <std::size_t... D> struct samples_of<shape<D...>> { using type = samples<D...>; };
template <class Shape> using samples_of_t = typename samples_of<Shape>::type;

// The one data check of fit/evaluate: inputs match the network's input, labels what the loss
// expects of the network's output. Shapes are template arguments so the compiler prints them.
template <bool NetworkValid, class InputShape, class GivenInputShape, class LabelShape, class GivenLabelShape>
struct check_data {
  static constexpr bool inputs_ok = !NetworkValid || std::is_same_v<InputShape, GivenInputShape>;
  static constexpr bool labels_ok = !NetworkValid || !inputs_ok || std::is_same_v<LabelShape, GivenLabelShape>;
  static_assert(inputs_ok,
                "ctnn::model: the input samples' shape GivenInputShape differs from the network's InputShape; reshape them with samples::reshape<Dims...>()");
  static_assert(labels_ok,
                "ctnn::model: the labels' shape GivenLabelShape differs from LabelShape, what the loss expects of the network's output; use ctnn::to_categorical<Classes> for class indices");
};
}  // namespace detail

template <class Network, loss_function Loss, optimizer Optimizer>
class model {
  static_assert(detail::is_sequential<Network>::value,
                "ctnn::model<Network, Loss, Optimizer>: Network must be a ctnn::sequential<...>");

 public:
  using network = Network;
  using input_shape = typename Network::input_shape;
  using output_shape = typename Network::output_shape;
  using label_shape = typename Loss::template label_shape<output_shape>;
  using input_samples = detail::samples_of_t<input_shape>;
  using output_samples = detail::samples_of_t<output_shape>;
  using label_samples = detail::samples_of_t<label_shape>;
  static constexpr std::size_t parameter_count = Network::parameter_count;

  explicit model(Optimizer optimizer = {}, Loss loss = {}, model_options options = {})
      : loss_(loss), optimizer_(optimizer), seed_(options.seed), rng_(options.seed),
        params_(Network::parameter_storage, 0.0f), grads_(Network::parameter_storage, 0.0f),
        state_(optimizer.state_size(Network::parameter_storage), 0.0f),
        inference_(Network::inference_workspace_size, 0.0f) {
    initialize(std::make_index_sequence<Network::layer_count>{});
    warm_up();
  }

  // ---- Keras' workflow -------------------------------------------------------------------

  // Keras' fit. Extra arguments after the options: callbacks (ctnn::early_stopping, ...) and at
  // most one ctnn::validation_data{x_val, y_val}.
  template <std::size_t... XD, std::size_t... YD, class... Extras>
  history fit(const samples<XD...>& x, const samples<YD...>& y, const fit_options& options = {},
              Extras&&... extras) {
    // Shapes are checked once, by the dataset overload (a second check would make clang repeat
    // the error).
    validate_call("fit", x.size(), y.size(), options.batch_size);
    validate_labels(y);  // all of them before any update: a bad label changes nothing
    memory_dataset data(x, y);
    return fit(data, options, std::forward<Extras>(extras)...);
  }

  // fit on any ctnn::dataset (a generator: data pulled batch by batch, e.g. from disk).
  template <class D, class... Extras>
    requires dataset<std::remove_cvref_t<D>>
  history fit(D&& train, const fit_options& options = {}, Extras&&... extras) {
    using data_type = std::remove_cvref_t<D>;
    check_data<typename data_type::input_shape, typename data_type::label_shape>();
    static_assert(((callback<std::remove_cvref_t<Extras>> ||
                    detail::is_validation_data<std::remove_cvref_t<Extras>>::value) && ...),
                  "ctnn::model::fit: arguments after the options must be callbacks or one ctnn::validation_data");
    static_assert((std::size_t{detail::is_validation_data<std::remove_cvref_t<Extras>>::value} + ... + 0) <= 1,
                  "ctnn::model::fit: at most one ctnn::validation_data");
    if (!(options.validation_split >= 0.0 && options.validation_split < 1.0))
      throw std::invalid_argument("ctnn::model::fit: validation_split must be in [0, 1), got " +
                                  std::to_string(options.validation_split));
    const std::size_t total = train.size();
    // Keras' validation_split: the last fraction of the samples, taken before any shuffling;
    // validation_data, when given, takes precedence.
    constexpr bool has_validation_data = (detail::is_validation_data<std::remove_cvref_t<Extras>>::value || ...);
    const std::size_t held_out =
        has_validation_data ? 0 : static_cast<std::size_t>(static_cast<double>(total) * options.validation_split);
    const std::size_t n = total - held_out;
    validate_call("fit", n, n, options.batch_size);
    if (options.initial_epoch > options.epochs)
      throw std::invalid_argument("ctnn::model::fit: initial_epoch " + std::to_string(options.initial_epoch) +
                                  " is past epochs " + std::to_string(options.epochs));
    history h;
    if constexpr (Network::valid) {
      const kernels::thread_limit threads(options.threads);  // the previous limit on return
      const std::size_t batch = std::min(options.batch_size, n);
      const std::size_t steps = (n + batch - 1) / batch;
      reserve(batch);
      std::vector<std::size_t> rows(batch);
      training_control control(parameters(), optimizer_.learning_rate);
      (detail::train_begin(extras, control), ...);
      for (std::size_t epoch = options.initial_epoch; epoch < options.epochs && !control.stopping(); ++epoch) {
        const detail::random_permutation order(n, rng_.next());
        detail::progress bar(options.output, options.verbose, steps);
        bar.epoch_header(epoch + 1, options.epochs);
        double loss_sum = 0;
        std::size_t hits = 0, seen = 0, counted = 0;
        for (std::size_t step = 0; step < steps; ++step) {
          const std::size_t first = step * batch, m = std::min(batch, n - first);
          for (std::size_t r = 0; r < m; ++r) rows[r] = options.shuffle ? order(first + r) : first + r;
          train.read(std::span<const std::size_t>(rows.data(), m), bx(), by());
          validate_labels(by(), m);
          const step_result result = backprop(bx(), by(), m);
          const double batch_loss = result.loss;
          const std::size_t batch_hits = result.hits;
          loss_sum += batch_loss;
          hits += batch_hits;
          seen += m;
          counted += Loss::accuracy::count(m, output_shape::size);
          // The NaN guard (Keras' TerminateOnNaN, built in, and stricter): a step whose loss or
          // gradients are not finite is not applied, and training stops.
          if (const std::string refused = apply_checked(result, bx(), m, std::span<const std::size_t>(rows.data(), m));
              !refused.empty()) {
            control.stop_training("batch " + std::to_string(step + 1) + " of epoch " + std::to_string(epoch + 1) +
                                  ": " + refused);
            break;
          }
          bar.update(step + 1, loss_sum / static_cast<double>(seen), static_cast<double>(hits) / static_cast<double>(counted));
        }
        epoch_logs logs{.epoch = epoch,
                        .loss = loss_sum / static_cast<double>(seen),
                        .accuracy = static_cast<double>(hits) / static_cast<double>(counted)};
        if constexpr (has_validation_data) {
          (validate_on(extras, logs, options.batch_size), ...);
        } else if (held_out > 0) {
          const auto v = evaluate_rows(train, n, held_out, options.batch_size);
          logs.val_loss = v.loss;
          logs.val_accuracy = v.accuracy;
        }
        record(h, logs);
        bar.finish(logs.loss, logs.accuracy, validation_text(logs));
        if (!control.stopping()) (notify(extras, logs, control), ...);
        if (control.stopping() && options.verbose > 0 && options.output)
          *options.output << "Stopped: " << control.stop_reason() << "\n";
      }
      h.stop_reason = control.stop_reason();
      (detail::train_end(extras, control), ...);
    }
    return h;
  }

  template <std::size_t... XD, std::size_t... YD>
  evaluation evaluate(const samples<XD...>& x, const samples<YD...>& y, const evaluate_options& options = {}) {
    validate_call("evaluate", x.size(), y.size(), options.batch_size);  // shapes: checked by the dataset overload
    memory_dataset data(x, y);
    return evaluate(data, options);
  }

  template <class D>
    requires dataset<std::remove_cvref_t<D>>
  evaluation evaluate(D&& data, const evaluate_options& options = {}) {
    using data_type = std::remove_cvref_t<D>;
    check_data<typename data_type::input_shape, typename data_type::label_shape>();
    validate_call("evaluate", data.size(), data.size(), options.batch_size);
    return evaluate_rows(data, 0, data.size(), options.batch_size);
  }

  template <std::size_t... XD>
  output_samples predict(const samples<XD...>& x, std::size_t batch_size = 32) {
    check_data<shape<XD...>, label_shape>();
    if (batch_size == 0) throw std::invalid_argument("ctnn::model::predict: batch_size must be at least 1");
    output_samples out(x.size());
    if constexpr (Network::valid) {
      const std::size_t batch = std::min(batch_size, std::max<std::size_t>(x.size(), 1));
      reserve(batch);
      pass_context ctx{mode::inference, &rng_};
      for (std::size_t first = 0; first < x.size(); first += batch) {
        const std::size_t m = std::min(batch, x.size() - first);
        const float* y = forward(x.data() + first * input_shape::size, m, ctx);
        std::copy_n(y, m * output_shape::size, out.data() + first * output_shape::size);
      }
    }
    return out;
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
    pass_context ctx{mode::inference, &rng_};
    std::array<float*, Network::layer_count> outs{};
    for (std::size_t i = 0; i < Network::layer_count; ++i)
      outs[i] = inference_.data() + Network::activation_offsets[i];
    if constexpr (Network::layer_count > 0) {
      Network::forward(layers_, params_.data(), x.data(), outs.data(),
                       inference_.data() + Network::activation_storage, 1, ctx);
      return std::span<const float, output_shape::size>(outs.back(), output_shape::size);
    } else {
      return std::span<const float, output_shape::size>(inference_.data(), output_shape::size);
    }
  }

  // One gradient step on one batch (Keras' train_on_batch); returns the batch's mean loss. A
  // step whose loss or gradients are not finite is not applied: it throws std::domain_error
  // saying why, with the parameters and optimizer state as they were.
  template <std::size_t... XD, std::size_t... YD>
  double train_on_batch(const samples<XD...>& x, const samples<YD...>& y) {
    check_data<shape<XD...>, shape<YD...>>();
    validate_call("train_on_batch", x.size(), y.size(), x.size());
    validate_labels(y);
    reserve(x.size());
    const step_result result = backprop(x.data(), y.data(), x.size());
    if (const std::string refused = apply_checked(result, x.data(), x.size(), {}); !refused.empty())
      throw std::domain_error("ctnn::model::train_on_batch: " + refused);
    return result.loss / static_cast<double>(x.size());
  }

  // Gradients of the batch-mean loss for x, y without updating anything (for checks and custom
  // loops); returns the batch's mean loss. gradients() then holds them.
  template <std::size_t... XD, std::size_t... YD>
  double compute_gradients(const samples<XD...>& x, const samples<YD...>& y) {
    check_data<shape<XD...>, shape<YD...>>();
    validate_call("compute_gradients", x.size(), y.size(), x.size());
    validate_labels(y);
    reserve(x.size());
    return backprop(x.data(), y.data(), x.size()).loss / static_cast<double>(x.size());
  }

  void summary(std::ostream& os = std::cout) const { Network::summary(os); }

  // ---- Access ------------------------------------------------------------------------------

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

 private:
  template <class Tuple> struct last_of { using type = void; };
  template <class... Ls> requires(sizeof...(Ls) > 0)
  struct last_of<std::tuple<Ls...>> { using type = std::tuple_element_t<sizeof...(Ls) - 1, std::tuple<Ls...>>; };
  using last_layer = typename last_of<typename Network::layer_types>::type;
  template <class L> struct activation_of { using type = void; };
  template <class L> requires requires { typename std::remove_cvref_t<decltype(std::declval<L&>().activation)>; }
  struct activation_of<L> { using type = std::remove_cvref_t<decltype(std::declval<L&>().activation)>; };
  // Whether the loss hands the last layer dL/dz directly (softmax + cross-entropy).
  static constexpr bool fused = detail::fused_loss<Loss, typename activation_of<last_layer>::type>;

  template <class GivenInput, class GivenLabels>
  static constexpr void check_data() {
    static_assert(sizeof(detail::check_data<Network::valid, input_shape, GivenInput, label_shape, GivenLabels>) > 0);
  }

  static void validate_call(const char* what, std::size_t xs, std::size_t ys, std::size_t batch) {
    if (xs != ys)
      throw std::invalid_argument(std::string("ctnn::model::") + what + ": " + std::to_string(xs) +
                                  " input samples but " + std::to_string(ys) + " labels; they must be equally many");
    if (xs == 0) throw std::invalid_argument(std::string("ctnn::model::") + what + ": no samples");
    if (batch == 0) throw std::invalid_argument(std::string("ctnn::model::") + what + ": batch_size must be at least 1");
  }

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
      pass_context ctx{mode::inference, &rng_};
      for (std::size_t done = 0; done < count; done += batch) {
        const std::size_t m = std::min(batch, count - done);
        for (std::size_t r = 0; r < m; ++r) rows[r] = first + done + r;
        data.read(std::span<const std::size_t>(rows.data(), m), bx(), by());
        validate_labels(by(), m);
        const float* out = forward(bx(), m, ctx, logits());
        loss_sum += summed_loss(out, by(), m);
        hits += Loss::accuracy::correct(out, by(), m, output_shape::size);
        counted += Loss::accuracy::count(m, output_shape::size);
      }
    }
    double penalty = 0;
    if constexpr (Network::regularized) penalty = Network::regularization_penalty(layers_, params_.data());
    return {loss_sum / static_cast<double>(count) + penalty, static_cast<double>(hits) / static_cast<double>(counted)};
  }

  template <class E>
  void validate_on(E& extra, epoch_logs& logs, std::size_t batch_size) {
    if constexpr (detail::is_validation_data<std::remove_cvref_t<E>>::value) {
      check_data<typename decltype(extra.data)::input_shape, typename decltype(extra.data)::label_shape>();
      if (extra.data.size() == 0) throw std::invalid_argument("ctnn::model::fit: validation_data is empty");
      const auto v = evaluate_rows(extra.data, 0, extra.data.size(), batch_size);
      logs.val_loss = v.loss;
      logs.val_accuracy = v.accuracy;
    }
  }
  template <class E>
  static void notify(E& extra, const epoch_logs& logs, training_control& control) {
    if constexpr (callback<std::remove_cvref_t<E>>) extra.on_epoch_end(logs, control);
  }
  void record(history& h, const epoch_logs& logs) const {
    h.epoch.push_back(logs.epoch);
    h.loss.push_back(logs.loss);
    h.accuracy.push_back(logs.accuracy);
    if (logs.val_loss) {
      h.val_loss.push_back(*logs.val_loss);
      h.val_accuracy.push_back(logs.val_accuracy.value_or(0));
    }
    h.learning_rate.push_back(optimizer_.learning_rate);
  }
  static std::string validation_text(const epoch_logs& logs) {
    if (!logs.val_loss) return {};
    char buf[96];
    std::snprintf(buf, sizeof buf, " - val_loss: %.4f - val_accuracy: %.4f", *logs.val_loss, logs.val_accuracy.value_or(0));
    return buf;
  }

  template <std::size_t... I>
  void initialize(std::index_sequence<I...>) {
    (std::get<I>(layers_).initialize(
         std::span<float>(params_.data() + Network::parameter_offsets[I],
                          std::tuple_element_t<I, typename Network::layer_types>::parameter_storage),
         rng_),
     ...);
  }

  // Training workspace for up to `rows` samples: batch inputs and labels, every layer's output,
  // every layer's scratch, two gradient buffers. Grows only.
  void reserve(std::size_t rows) {
    if (rows <= capacity_) return;
    const std::size_t x = detail::aligned_count(input_shape::size), y = detail::aligned_count(label_shape::size);
    const std::size_t z = fused ? detail::aligned_count(output_shape::size) : 0;
    work_.assign(rows * (x + y + z + Network::activation_storage + Network::workspace_storage + 2 * Network::widest), 0.0f);
    capacity_ = rows;
  }
  float* bx() noexcept { return work_.data(); }
  float* by() noexcept { return bx() + capacity_ * detail::aligned_count(input_shape::size); }
  float* acts() noexcept { return by() + capacity_ * detail::aligned_count(label_shape::size); }
  float* layer_work() noexcept { return acts() + capacity_ * Network::activation_storage; }
  float* dy() noexcept { return layer_work() + capacity_ * Network::workspace_storage; }
  float* scratch() noexcept { return dy() + capacity_ * Network::widest; }
  // The last layer's pre-activations (logits) when the loss fuses with its activation.
  float* logits() noexcept {
    return fused ? scratch() + capacity_ * Network::widest : nullptr;
  }

  std::array<float*, Network::layer_count> outputs() noexcept {
    std::array<float*, Network::layer_count> outs{};
    for (std::size_t i = 0; i < Network::layer_count; ++i)
      outs[i] = acts() + capacity_ * Network::activation_offsets[i];
    return outs;
  }

  const float* forward(const float* x, std::size_t n, pass_context& ctx, float* logits = nullptr) {
    auto outs = outputs();
    Network::forward(layers_, params_.data(), x, outs.data(), layer_work(), n, ctx, logits);
    return outs.back();
  }
  // The sum of per-sample losses of the batch just run forward: from the logits where the loss
  // fuses with the last activation (Keras computes cross-entropy from the logits there: exact
  // where the activation saturates), from the outputs otherwise.
  double summed_loss(const float* out, const float* y, std::size_t m) {
    if constexpr (fused) return loss_.preactivation_value(logits(), out, y, m, output_shape::size);
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
    const float* out = forward(x, m, ctx, logits());
    auto outs = outputs();
    const double loss = summed_loss(out, y, m);
    const std::size_t hits = Loss::accuracy::correct(out, y, m, output_shape::size);
    if constexpr (fused) loss_.preactivation_gradient(out, y, dy(), m, output_shape::size);
    else loss_.gradient(out, y, dy(), m, output_shape::size);
    Network::backward(layers_, params_.data(), grads_.data(), x, outs.data(), layer_work(), dy(), scratch(), m,
                      fused, ctx);
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
      if constexpr (detail::checks_gradients<L>() || L::parameter_storage == 0) {
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
  detail::aligned_vector params_, grads_, state_, inference_, work_;
  std::size_t capacity_ = 0;
};

}  // namespace ctnn
