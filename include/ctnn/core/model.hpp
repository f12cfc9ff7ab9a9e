#pragma once
// ctnn::model<Network, Loss, Optimizer>: a network compiled with a loss and an optimizer, as
// Keras' model.compile(...), with fit / evaluate / predict.
//
// Memory: the parameters, gradients and optimizer state are three flat arenas allocated when
// the model is built; a training workspace is allocated when fit() first sees a batch size and
// reused after that. predict_one() uses a workspace of Network::inference_workspace_size floats
// allocated with the model, so inference on one sample never touches the heap.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <ostream>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "../detail/aligned_buffer.hpp"
#include "../detail/progress.hpp"
#include "../detail/random.hpp"
#include "../losses/loss_function.hpp"
#include "../optimizers/optimizer.hpp"
#include "fit_options.hpp"
#include "history.hpp"
#include "layer.hpp"
#include "samples.hpp"
#include "sequential.hpp"

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
  }

  // ---- Keras' workflow -------------------------------------------------------------------

  template <std::size_t... XD, std::size_t... YD>
  history fit(const samples<XD...>& x, const samples<YD...>& y, const fit_options& options = {}) {
    check_data<shape<XD...>, shape<YD...>>();
    validate_call("fit", x.size(), y.size(), options.batch_size);
    validate_labels(y);
    if constexpr (Network::valid) {
      const std::size_t n = x.size(), batch = std::min(options.batch_size, n);
      const std::size_t steps = (n + batch - 1) / batch;
      reserve(batch);
      std::vector<std::size_t> order(n);
      std::iota(order.begin(), order.end(), std::size_t{0});
      history h;
      for (std::size_t epoch = 0; epoch < options.epochs; ++epoch) {
        if (options.shuffle)
          for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng_.below(i)]);
        detail::progress bar(options.output, options.verbose, steps);
        bar.epoch_header(epoch + 1, options.epochs);
        double loss_sum = 0;
        std::size_t hits = 0, seen = 0, counted = 0;
        for (std::size_t step = 0; step < steps; ++step) {
          const std::size_t first = step * batch, m = std::min(batch, n - first);
          gather(x, y, order.data() + first, m);
          const auto [batch_loss, batch_hits] = train_step(bx(), by(), m);
          loss_sum += batch_loss;
          hits += batch_hits;
          seen += m;
          counted += Loss::accuracy::count(m, output_shape::size);
          bar.update(step + 1, loss_sum / seen, static_cast<double>(hits) / counted);
        }
        h.epoch.push_back(epoch);
        h.loss.push_back(loss_sum / seen);
        h.accuracy.push_back(static_cast<double>(hits) / counted);
        bar.finish(h.loss.back(), h.accuracy.back());
      }
      return h;
    } else {
      return {};
    }
  }

  template <std::size_t... XD, std::size_t... YD>
  evaluation evaluate(const samples<XD...>& x, const samples<YD...>& y, const evaluate_options& options = {}) {
    check_data<shape<XD...>, shape<YD...>>();
    validate_call("evaluate", x.size(), y.size(), options.batch_size);
    validate_labels(y);
    double loss_sum = 0;
    std::size_t hits = 0, counted = 0;
    if constexpr (Network::valid) {
      const std::size_t batch = std::min(options.batch_size, x.size());
      reserve(batch);
      pass_context ctx{mode::inference, &rng_};
      for (std::size_t first = 0; first < x.size(); first += batch) {
        const std::size_t m = std::min(batch, x.size() - first);
        const float* out = forward(x.data() + first * input_shape::size, m, ctx);
        const float* labels = y.data() + first * label_shape::size;
        loss_sum += loss_.value(out, labels, m, output_shape::size);
        hits += Loss::accuracy::correct(out, labels, m, output_shape::size);
        counted += Loss::accuracy::count(m, output_shape::size);
      }
    }
    return {loss_sum / static_cast<double>(x.size()), static_cast<double>(hits) / static_cast<double>(counted)};
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

  // Inference on one sample: no heap allocation, fixed workspace. The returned view stays
  // valid until the next call on this model.
  std::span<const float, output_shape::size> predict_one(std::span<const float, input_shape::size> x) {
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

  // One gradient step on one batch (Keras' train_on_batch); returns the batch's mean loss.
  template <std::size_t... XD, std::size_t... YD>
  double train_on_batch(const samples<XD...>& x, const samples<YD...>& y) {
    check_data<shape<XD...>, shape<YD...>>();
    validate_call("train_on_batch", x.size(), y.size(), x.size());
    validate_labels(y);
    reserve(x.size());
    return train_step(x.data(), y.data(), x.size()).first / static_cast<double>(x.size());
  }

  // Gradients of the batch-mean loss for x, y without updating anything (for checks and custom
  // loops); returns the batch's mean loss. gradients() then holds them.
  template <std::size_t... XD, std::size_t... YD>
  double compute_gradients(const samples<XD...>& x, const samples<YD...>& y) {
    check_data<shape<XD...>, shape<YD...>>();
    validate_call("compute_gradients", x.size(), y.size(), x.size());
    validate_labels(y);
    reserve(x.size());
    return backprop(x.data(), y.data(), x.size()).first / static_cast<double>(x.size());
  }

  void summary(std::ostream& os = std::cout) const { Network::summary(os); }

  // ---- Access ------------------------------------------------------------------------------

  // The flat parameter arena (layer slices at Network::parameter_offsets, SIMD padding between).
  std::span<float> parameters() noexcept { return {params_.data(), params_.size()}; }
  std::span<const float> parameters() const noexcept { return {params_.data(), params_.size()}; }
  std::span<const float> gradients() const noexcept { return {grads_.data(), grads_.size()}; }

  // Layer I's bound layer object (its run-time hyperparameters and state).
  template <std::size_t I> auto& layer() noexcept { return std::get<I>(layers_); }
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
    (void)detail::check_data<Network::valid, input_shape, GivenInput, label_shape, GivenLabels>{};
  }

  static void validate_call(const char* what, std::size_t xs, std::size_t ys, std::size_t batch) {
    if (xs != ys)
      throw std::invalid_argument(std::string("ctnn::model::") + what + ": " + std::to_string(xs) +
                                  " input samples but " + std::to_string(ys) + " labels; they must be equally many");
    if (xs == 0) throw std::invalid_argument(std::string("ctnn::model::") + what + ": no samples");
    if (batch == 0) throw std::invalid_argument(std::string("ctnn::model::") + what + ": batch_size must be at least 1");
  }

  template <std::size_t... YD>
  void validate_labels(const samples<YD...>& y) const {
    if constexpr (requires { loss_.validate_labels(y.data(), y.size(), output_shape::size); })
      loss_.validate_labels(y.data(), y.size(), output_shape::size);
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
    work_.assign(rows * (x + y + Network::activation_storage + Network::workspace_storage + 2 * Network::widest), 0.0f);
    capacity_ = rows;
  }
  float* bx() noexcept { return work_.data(); }
  float* by() noexcept { return bx() + capacity_ * detail::aligned_count(input_shape::size); }
  float* acts() noexcept { return by() + capacity_ * detail::aligned_count(label_shape::size); }
  float* layer_work() noexcept { return acts() + capacity_ * Network::activation_storage; }
  float* dy() noexcept { return layer_work() + capacity_ * Network::workspace_storage; }
  float* scratch() noexcept { return dy() + capacity_ * Network::widest; }

  std::array<float*, Network::layer_count> outputs() noexcept {
    std::array<float*, Network::layer_count> outs{};
    for (std::size_t i = 0; i < Network::layer_count; ++i)
      outs[i] = acts() + capacity_ * Network::activation_offsets[i];
    return outs;
  }

  const float* forward(const float* x, std::size_t n, pass_context& ctx) {
    auto outs = outputs();
    Network::forward(layers_, params_.data(), x, outs.data(), layer_work(), n, ctx);
    return outs.back();
  }

  template <std::size_t... XD, std::size_t... YD>
  void gather(const samples<XD...>& x, const samples<YD...>& y, const std::size_t* rows, std::size_t m) {
    for (std::size_t r = 0; r < m; ++r) {
      std::copy_n(x.data() + rows[r] * input_shape::size, input_shape::size, bx() + r * input_shape::size);
      std::copy_n(y.data() + rows[r] * label_shape::size, label_shape::size, by() + r * label_shape::size);
    }
  }

  // Forward + backward on m samples; returns (sum of per-sample losses, accuracy hits).
  std::pair<double, std::size_t> backprop(const float* x, const float* y, std::size_t m) {
    pass_context ctx{mode::training, &rng_};
    auto outs = outputs();
    Network::forward(layers_, params_.data(), x, outs.data(), layer_work(), m, ctx);
    const float* out = outs.back();
    const double loss = loss_.value(out, y, m, output_shape::size);
    const std::size_t hits = Loss::accuracy::correct(out, y, m, output_shape::size);
    if constexpr (fused) loss_.preactivation_gradient(out, y, dy(), m, output_shape::size);
    else loss_.gradient(out, y, dy(), m, output_shape::size);
    Network::backward(layers_, params_.data(), grads_.data(), x, outs.data(), layer_work(), dy(), scratch(), m,
                      fused, ctx);
    return {loss, hits};
  }

  std::pair<double, std::size_t> train_step(const float* x, const float* y, std::size_t m) {
    const auto result = backprop(x, y, m);
    optimizer_.update(std::span<float>(params_.data(), params_.size()),
                      std::span<const float>(grads_.data(), grads_.size()),
                      std::span<float>(state_.data(), state_.size()), ++step_);
    return result;
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
