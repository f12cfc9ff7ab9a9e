#pragma once
// ctnn::model_checkpoint: Keras' ModelCheckpoint. Saves the model in ctnn's weight format
// (ctnn::save, docs/format.md) at the end of every epoch, or with save_best_only only when
// `monitor` improved. It is made for one model and saves that model:
//
//   ctnn::model_checkpoint checkpoint(m, "best.ctnn", {.monitor = "val_loss", .save_best_only = true});
//   m.fit(x, y, {.epochs = 20, .validation_split = 0.1}, checkpoint);
//   ctnn::load(m, "best.ctnn");  // the weights (and optimizer state) of the best epoch
//
// The path may name the epoch as Keras' does: "{epoch}" or "{epoch:02d}" (1-based, zero-padded
// to the given width). By default the optimizer state goes with the weights, so that fit can
// resume from a checkpoint exactly (Keras' include_optimizer); .include_optimizer = false writes
// weights only. Each file is written beside its path and renamed over it (ctnn::save): a crash
// in the middle of a save leaves the previous checkpoint intact.
#include <cstddef>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>

#include "../io/save.hpp"
#include "callback.hpp"

namespace ctnn {

struct model_checkpoint_options {
  std::string monitor = "val_loss";
  bool save_best_only = false;
  std::string mode = "auto";
  bool include_optimizer = true;
};

template <class Model>
class model_checkpoint {
 public:
  model_checkpoint(Model& m, std::filesystem::path filepath, model_checkpoint_options options = {})
      : model_(&m), filepath_(std::move(filepath)), options_(std::move(options)),
        maximize_(detail::maximizes(options_.mode, options_.monitor)) {
    // The path template and the monitor's name are checked now, not after an epoch of training.
    (void)path_for(0);
    (void)epoch_logs{}.get(options_.monitor);
    // As Keras, the best value is kept across fit() calls on the same callback.
    best = maximize_ ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  }

  void on_epoch_end(const epoch_logs& logs, training_control&) {
    if (options_.save_best_only) {
      const auto current = logs.get(options_.monitor);
      if (!current)
        throw std::invalid_argument("ctnn::model_checkpoint: save_best_only monitors '" + options_.monitor +
                                    "', which fit did not compute at epoch " + std::to_string(logs.epoch + 1) +
                                    " (val_loss and val_accuracy need validation_split or validation_data)");
      if (!(maximize_ ? *current > best : *current < best)) return;
      best = *current;
    }
    last_saved = path_for(logs.epoch);
    save(*model_, last_saved, {.optimizer_state = options_.include_optimizer});
    ++saves;
    saved_epoch = logs.epoch;
  }

  // State readable after fit: the best monitored value (save_best_only), the 0-based epoch and
  // path of the last save, and how many files were written.
  double best = 0;
  std::size_t saved_epoch = 0;
  std::filesystem::path last_saved{};
  std::size_t saves = 0;

 private:
  // filepath_ with "{epoch}" / "{epoch:0Nd}" replaced by the 1-based epoch; any other "{...}"
  // is an error (Keras' other fields, such as {val_loss:.2f}, are not supported).
  std::filesystem::path path_for(std::size_t epoch) const {
    const std::string in = filepath_.string();
    std::string out;
    for (std::size_t i = 0; i < in.size();) {
      if (in[i] != '{') {
        out += in[i++];
        continue;
      }
      const std::size_t close = in.find('}', i);
      const std::string_view field = std::string_view(in).substr(i + 1, close == std::string::npos ? 0 : close - i - 1);
      std::size_t width = 0;
      if (close == std::string::npos || !(field == "epoch" || parse_padded(field, width)))
        throw std::invalid_argument("ctnn::model_checkpoint: the path '" + in +
                                    "' has a field other than {epoch} or {epoch:0Nd}");
      std::string number = std::to_string(epoch + 1);
      if (number.size() < width) number.insert(0, width - number.size(), '0');
      out += number;
      i = close + 1;
    }
    return out;
  }
  // "epoch:0Nd" with N a single digit 1..9.
  static bool parse_padded(std::string_view field, std::size_t& width) {
    if (field.size() != 9 || field.substr(0, 7) != "epoch:0" || field[8] != 'd' || field[7] < '1' || field[7] > '9')
      return false;
    width = static_cast<std::size_t>(field[7] - '0');
    return true;
  }

  Model* model_;
  std::filesystem::path filepath_;
  model_checkpoint_options options_;
  bool maximize_;
};

}  // namespace ctnn
