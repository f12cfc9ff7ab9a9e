#pragma once
// detail::fit_loop: Keras' fit loop over an engine (core/detail/engine.hpp): epochs of shuffled
// batches, each a training step the NaN guard may refuse (which stops training), then the
// validation metrics, the history, and the callbacks. The progress lines are a callback too
// (ctnn::progress_bar, added here from the options, as Keras' fit adds its ProgbarLogger).
// model::fit checks its arguments and calls this; nothing here throws for a caller's mistake.
#include <algorithm>
#include <cstddef>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "../../callbacks/callback.hpp"
#include "../../callbacks/progress_bar.hpp"
#include "../../detail/random_permutation.hpp"
#include "../../kernels/parallel.hpp"
#include "../fit_options.hpp"
#include "../history.hpp"
#include "../validation_data.hpp"

namespace ctnn::detail {

// Trains on the first n rows of train; the held_out rows after them are the validation split,
// unless a validation_data is among the extras (then held_out is 0).
template <class Engine, class D, class... Extras>
history fit_loop(Engine& engine, D& train, const fit_options& options, std::size_t n, std::size_t held_out,
                 Extras&... extras) {
  using loss_type = typename Engine::loss_type;
  constexpr std::size_t output_size = Engine::output_shape::size;
  const kernels::thread_limit threads(options.threads);  // the previous limit on return
  const std::size_t batch = std::min(options.batch_size, n);
  const std::size_t steps = (n + batch - 1) / batch;
  engine.reserve(batch);
  std::vector<std::size_t> rows(batch);
  history h;
  training_control control(engine.parameters(), engine.optimizer().learning_rate,
                           training_params{.epochs = options.epochs, .steps = steps});
  progress_bar bar(options.output, options.verbose);
  train_begin(bar, control);
  (train_begin(extras, control), ...);
  for (std::size_t epoch = options.initial_epoch; epoch < options.epochs && !control.stopping(); ++epoch) {
    const random_permutation order(n, engine.rng().next());
    bar.on_epoch_begin(epoch, control);
    (epoch_begin(extras, epoch, control), ...);
    double loss_sum = 0;
    std::size_t hits = 0, seen = 0, counted = 0;
    for (std::size_t step = 0; step < steps; ++step) {
      const std::size_t first = step * batch, m = std::min(batch, n - first);
      for (std::size_t r = 0; r < m; ++r) rows[r] = options.shuffle ? order(first + r) : first + r;
      const std::span<const std::size_t> batch_rows(rows.data(), m);
      train.read(batch_rows, engine.bx(), engine.by());
      engine.validate_labels(engine.by(), m);
      const auto result = engine.backprop(engine.bx(), engine.by(), m);
      loss_sum += result.loss;
      hits += result.hits;
      seen += m;
      counted += loss_type::accuracy::count(m, output_size);
      // The NaN guard (Keras' TerminateOnNaN, built in, and stricter): a step whose loss or
      // gradients are not finite is not applied, and training stops.
      if (const std::string refused = engine.apply_checked(result, engine.bx(), m, batch_rows); !refused.empty()) {
        control.stop_training("batch " + std::to_string(step + 1) + " of epoch " + std::to_string(epoch + 1) +
                              ": " + refused);
        break;
      }
      const batch_logs logs{.batch = step,
                            .loss = loss_sum / static_cast<double>(seen),
                            .accuracy = static_cast<double>(hits) / static_cast<double>(counted)};
      bar.on_train_batch_end(logs, control);
      (train_batch_end(extras, logs, control), ...);
    }
    epoch_logs logs{.epoch = epoch,
                    .loss = loss_sum / static_cast<double>(seen),
                    .accuracy = static_cast<double>(hits) / static_cast<double>(counted)};
    const auto validate = [&](auto& data, std::size_t first, std::size_t count) {
      const evaluation v = engine.evaluate_rows(data, first, count, options.batch_size);
      logs.val_loss = v.loss;
      logs.val_accuracy = v.accuracy;
    };
    if (held_out > 0) validate(train, n, held_out);
    ([&] {
      if constexpr (is_validation_data<std::remove_cvref_t<Extras>>::value) validate(extras.data, 0, extras.data.size());
    }(), ...);
    h.epoch.push_back(logs.epoch);
    h.loss.push_back(logs.loss);
    h.accuracy.push_back(logs.accuracy);
    if (logs.val_loss) {
      h.val_loss.push_back(*logs.val_loss);
      h.val_accuracy.push_back(logs.val_accuracy.value_or(0));
    }
    h.learning_rate.push_back(engine.optimizer().learning_rate);
    // The progress line always; the other callbacks only for an epoch that was not refused.
    bar.on_epoch_end(logs, control);
    if (!control.stopping()) ([&] {
        if constexpr (callback<std::remove_cvref_t<Extras>>) extras.on_epoch_end(logs, control);
      }(), ...);
  }
  h.stop_reason = control.stop_reason();
  bar.on_train_end(control);
  (train_end(extras, control), ...);
  return h;
}

}  // namespace ctnn::detail
