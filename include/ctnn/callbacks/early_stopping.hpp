#pragma once
// ctnn::early_stopping: Keras' EarlyStopping. Stops when `monitor` has not improved by more
// than min_delta for `patience` epochs; with restore_best_weights, puts back the parameters of
// the best epoch when it stops (as Keras 2.x: only when it stops).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "callback.hpp"

namespace ctnn {

struct early_stopping {
  std::string monitor = "val_loss";
  double min_delta = 0;
  std::size_t patience = 0;
  std::string mode = "auto";
  std::optional<double> baseline{};
  bool restore_best_weights = false;

  // State, reset when training begins and readable after fit (Keras exposes the same).
  std::size_t stopped_epoch = 0;  // 0 when it did not stop training
  std::size_t best_epoch = 0;
  double best = 0;
  std::size_t wait = 0;
  std::vector<float> best_weights{};

  void on_train_begin(training_control&) {
    maximize = detail::maximizes(mode, monitor);
    wait = 0;
    stopped_epoch = best_epoch = 0;
    best = maximize ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    best_weights.clear();
  }

  void on_epoch_end(const epoch_logs& logs, training_control& control) {
    const auto current = logs.get(monitor);
    if (!current) return;  // e.g. val_loss without validation data: nothing to watch
    ++wait;
    if (improves(*current, best)) {
      best = *current;
      best_epoch = logs.epoch;
      if (restore_best_weights)
        best_weights.assign(control.parameters().begin(), control.parameters().end());
      // Only restart the count when the baseline is beaten too.
      if (!baseline || improves(*current, *baseline)) wait = 0;
      return;
    }
    if (wait >= patience && logs.epoch > 0) {
      stopped_epoch = logs.epoch;
      if (restore_best_weights && !best_weights.empty())
        std::copy(best_weights.begin(), best_weights.end(), control.parameters().begin());
      control.stop_training("early_stopping: " + monitor + " did not improve for " +
                            std::to_string(wait) + " epochs (best " + std::to_string(best) +
                            " at epoch " + std::to_string(best_epoch + 1) + ")");
    }
  }

  bool maximize = false;

  bool improves(double value, double reference) const {
    return maximize ? value - min_delta > reference : value + min_delta < reference;
  }
};

static_assert(callback<early_stopping>);

}  // namespace ctnn
