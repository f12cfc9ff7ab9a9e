#pragma once
// ctnn::model<Network, Loss, Optimizer>: a network compiled with a loss and an optimizer, as
// Keras' model.compile(...), with fit / evaluate / predict.
//
// Memory: the parameters, gradients and optimizer state are three flat arenas allocated when
// the model is built; a training workspace is allocated when fit() first sees a batch size and
// reused after that. predict_one() uses a workspace of Network::inference_workspace_size floats
// allocated with the model, so inference on one sample never touches the heap.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "../callbacks/callback.hpp"
#include "../data/dataset.hpp"
#include "../data/memory_dataset.hpp"
#include "../losses/loss_function.hpp"
#include "../optimizers/optimizer.hpp"
#include "detail/engine.hpp"
#include "detail/fit_loop.hpp"
#include "fit_options.hpp"
#include "history.hpp"
#include "layer.hpp"
#include "samples.hpp"
#include "sequential.hpp"
#include "validation_data.hpp"

namespace ctnn {

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
class model : private detail::engine<Network, Loss, Optimizer> {
  using base = detail::engine<Network, Loss, Optimizer>;
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
      : base(optimizer, loss, options) {}

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
    ([&] {
      if constexpr (detail::is_validation_data<std::remove_cvref_t<Extras>>::value) {
        check_data<typename decltype(extras.data)::input_shape, typename decltype(extras.data)::label_shape>();
        if (extras.data.size() == 0) throw std::invalid_argument("ctnn::model::fit: validation_data is empty");
      }
    }(), ...);
    if constexpr (Network::valid) return detail::fit_loop(static_cast<base&>(*this), train, options, n, held_out, extras...);
    else return {};
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
      pass_context ctx{.phase = mode::inference, .rng = &rng(), .backward_follows = false};
      for (std::size_t first = 0; first < x.size(); first += batch) {
        const std::size_t m = std::min(batch, x.size() - first);
        const float* y = forward(x.data() + first * input_shape::size, m, ctx, logits::skip);
        std::copy_n(y, m * output_shape::size, out.data() + first * output_shape::size);
      }
    }
    return out;
  }

  // Makes predict_one allocation-free on the calling thread from its first call: the matrix
  // kernel's per-thread packing buffer (kernels/gemm/scratch.hpp), which a convolution's products use,
  // grows here. The constructor does it for the thread that builds the model; a program that
  // runs inference on another thread (an audio or control thread) calls warm_up() there once,
  // before real time starts.
  using base::warm_up;
  // Inference on one sample: no heap allocation (see warm_up), fixed workspace, no thread
  // started. The returned view stays valid until the next call on this model.
  using base::predict_one;

  // Keras' stateful inference on a network over ctnn::input<Timesteps, Features>: step(x) runs
  // one time step (Features floats) through every layer, each keeping its state (a recurrent
  // layer's h and c, a causal convolution's past inputs) for the next call, and returns this
  // step's output; running a whole sequence through step equals predict on it. reset_states()
  // starts a new sequence; streaming_state() is the state, to save, restore or copy to another
  // model of the same type. As predict_one: no heap allocation, no lock, no thread (warm_up on
  // the real-time thread first). A network with a layer that needs the whole sequence (flatten
  // over time, global pooling, go_backwards) does not compile, naming the layer.
  using base::step_input_size;
  using base::step_output_size;
  using base::step;
  using base::reset_states;
  using base::streaming_state;

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

  // The flat parameter arena (layer slices at Network::parameter_offsets, SIMD padding between),
  // and the gradients of the last step.
  using base::parameters;
  using base::gradients;
  // Layer I's bound layer object (its run-time hyperparameters and state).
  using base::layer;
  // Layer I's parameter tensor P ("kernel" = 0, "bias" = 1 for dense), flat, and its gradient.
  using base::parameter;
  using base::gradient;
  using base::optimizer;
  using base::loss;
  // The optimizer's state arena (moments, velocities), sized optimizer().state_size(
  // parameters().size()), and the number of updates so far (Keras' optimizer.iterations):
  // together with parameters() what a checkpoint needs for fit to resume exactly.
  using base::optimizer_state;
  using base::iterations;
  using base::set_iterations;
  // The random generator behind shuffling and stochastic layers (dropout, noise): saved with
  // the weights (ctnn::save), it makes a resumed fit draw what the uninterrupted one would have.
  using base::rng_state;
  using base::set_rng_state;

 private:
  using typename base::step_result;
  using typename base::logits;
  using base::apply_checked;
  using base::backprop;
  using base::bx;
  using base::by;
  using base::evaluate_rows;
  using base::forward;
  using base::reserve;
  using base::rng;
  using base::validate_labels;

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
};

}  // namespace ctnn
