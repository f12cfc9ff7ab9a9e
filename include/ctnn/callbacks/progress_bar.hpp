#pragma once
// ctnn::progress_bar: Keras' ProgbarLogger, the callback that prints fit()'s progress:
//   Epoch 1/5
//   469/469 [==============================] - 3s 6ms/step - loss: 0.4957 - accuracy: 0.8251
// verbose 1 redraws one line with '\r' (at most ten times a second), verbose 2 prints one line
// per epoch, verbose 0 prints nothing. fit() adds one itself from fit_options::verbose and
// fit_options::output, as Keras' fit adds its ProgbarLogger; it is called on every epoch, also
// the one the NaN guard stopped, and prints why training stopped.
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <ostream>
#include <string>

#include "callback.hpp"

namespace ctnn {

class progress_bar {
 public:
  explicit progress_bar(std::ostream* os, int verbose = 1) noexcept
      : os_(verbose > 0 ? os : nullptr), verbose_(verbose) {}

  void on_epoch_begin(std::size_t epoch, training_control& control) {
    steps_ = control.params().steps;
    start_ = last_draw_ = clock::now();
    if (os_) *os_ << "Epoch " << epoch + 1 << "/" << control.params().epochs << "\n";
  }

  void on_train_batch_end(const batch_logs& logs, training_control&) {
    if (!os_ || verbose_ != 1) return;
    const std::size_t step = logs.batch + 1;
    const auto now = clock::now();
    if (step >= steps_ || now - last_draw_ < std::chrono::milliseconds(100)) return;  // on_epoch_end draws the last
    last_draw_ = now;
    *os_ << '\r' << counter(step) << ' ' << bar(step) << metrics(logs.loss, logs.accuracy) << std::flush;
  }

  void on_epoch_end(const epoch_logs& logs, training_control&) {
    if (!os_) return;
    const double seconds = std::chrono::duration<double>(clock::now() - start_).count();
    char timing[64];
    std::snprintf(timing, sizeof timing, " - %.0fs %.0fms/step", seconds,
                  steps_ ? 1000.0 * seconds / static_cast<double>(steps_) : 0.0);
    if (verbose_ == 1) *os_ << '\r' << counter(steps_) << ' ' << bar(steps_);
    else *os_ << counter(steps_);
    *os_ << timing << metrics(logs.loss, logs.accuracy);
    if (logs.val_loss) {
      char buf[96];
      std::snprintf(buf, sizeof buf, " - val_loss: %.4f - val_accuracy: %.4f", *logs.val_loss,
                    logs.val_accuracy.value_or(0));
      *os_ << buf;
    }
    *os_ << "\n" << std::flush;
  }

  void on_train_end(training_control& control) {
    if (os_ && control.stopping()) *os_ << "Stopped: " << control.stop_reason() << "\n";
  }

 private:
  using clock = std::chrono::steady_clock;
  std::string counter(std::size_t step) const {
    const std::string total = std::to_string(steps_);
    std::string done = std::to_string(step);
    return std::string(total.size() - done.size(), ' ') + done + "/" + total;
  }
  std::string bar(std::size_t step) const {
    constexpr std::size_t width = 30;
    const std::size_t filled = steps_ ? step * width / steps_ : width;
    std::string b = "[" + std::string(filled, '=');
    if (filled < width) b += '>' + std::string(width - filled - 1, '.');
    return b + "]";
  }
  static std::string metrics(double loss, double accuracy) {
    char buf[96];
    std::snprintf(buf, sizeof buf, " - loss: %.4f - accuracy: %.4f", loss, accuracy);
    return buf;
  }

  std::ostream* os_;
  int verbose_;
  std::size_t steps_ = 0;
  clock::time_point start_{}, last_draw_{};
};

}  // namespace ctnn
