#pragma once
// ctnn::reduce_lr_on_plateau: Keras' ReduceLROnPlateau. Multiplies the learning rate by
// `factor` when `monitor` has not improved by more than min_delta for `patience` epochs, then
// waits `cooldown` epochs before counting again; never below min_lr.
#include <algorithm>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>

#include "callback.hpp"

namespace ctnn {

struct reduce_lr_on_plateau {
  std::string monitor = "val_loss";
  double factor = 0.1;
  std::size_t patience = 10;
  std::string mode = "auto";
  double min_delta = 1e-4;
  std::size_t cooldown = 0;
  double min_lr = 0;

  void on_train_begin(training_control&) {
    if (!(factor < 1.0)) throw std::invalid_argument("ctnn::reduce_lr_on_plateau: factor must be < 1");
    maximize = detail::maximizes(mode, monitor);
    best = maximize ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    wait = cooldown_counter = 0;
  }

  void on_epoch_end(const epoch_logs& logs, training_control& control) {
    const auto current = logs.get(monitor);
    if (!current) return;
    if (cooldown_counter > 0) { --cooldown_counter; wait = 0; }
    if (maximize ? *current - min_delta > best : *current + min_delta < best) {
      best = *current;
      wait = 0;
    } else if (cooldown_counter == 0 && ++wait >= patience) {
      const double lr = control.learning_rate();
      if (lr > min_lr) {
        control.set_learning_rate(static_cast<float>(std::max(lr * factor, min_lr)));
        cooldown_counter = cooldown;
        wait = 0;
      }
    }
  }

  // State, reset when training begins (Keras exposes the same).
  bool maximize = false;
  double best = 0;
  std::size_t wait = 0, cooldown_counter = 0;
};

static_assert(callback<reduce_lr_on_plateau>);

}  // namespace ctnn
