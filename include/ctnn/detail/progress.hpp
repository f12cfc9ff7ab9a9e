#pragma once
// Keras-style progress lines for fit():
//   Epoch 1/5
//   469/469 [==============================] - 3s 6ms/step - loss: 0.4957 - accuracy: 0.8251
// verbose 1 redraws one line with '\r' (at most ten times a second), verbose 2 prints one line
// per epoch, verbose 0 prints nothing.
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <ostream>
#include <string>

namespace ctnn::detail {

class progress {
 public:
  progress(std::ostream* os, int verbose, std::size_t steps)
      : os_(verbose > 0 ? os : nullptr), verbose_(verbose), steps_(steps),
        start_(clock::now()), last_draw_(start_) {}

  void epoch_header(std::size_t epoch, std::size_t epochs) const {
    if (os_) *os_ << "Epoch " << epoch << "/" << epochs << "\n";
  }

  void update(std::size_t step, double loss, double accuracy) {
    if (!os_ || verbose_ != 1) return;
    const auto now = clock::now();
    if (step >= steps_ || now - last_draw_ < std::chrono::milliseconds(100)) return;  // finish() draws the last
    last_draw_ = now;
    *os_ << '\r' << counter(step) << ' ' << bar(step) << metrics(loss, accuracy) << std::flush;
  }

  void finish(double loss, double accuracy, const std::string& extra = "") {
    if (!os_) return;
    const double seconds = std::chrono::duration<double>(clock::now() - start_).count();
    char timing[64];
    std::snprintf(timing, sizeof timing, " - %.0fs %.0fms/step", seconds,
                  steps_ ? 1000.0 * seconds / static_cast<double>(steps_) : 0.0);
    if (verbose_ == 1) *os_ << '\r' << counter(steps_) << ' ' << bar(steps_);
    else *os_ << counter(steps_);
    *os_ << timing << metrics(loss, accuracy) << extra << "\n" << std::flush;
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
  std::size_t steps_;
  clock::time_point start_, last_draw_;
};

}  // namespace ctnn::detail
