#pragma once
// ctnn::csv_logger: Keras' CSVLogger. Streams one line per epoch to a CSV file as training
// goes (so a crashed run leaves its log), columns as history::to_csv.
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "callback.hpp"

namespace ctnn {

struct csv_logger {
  std::filesystem::path filename{};
  bool append = false;

  void on_train_begin(training_control&) {
    const bool had_content = append && std::filesystem::exists(filename) && std::filesystem::file_size(filename) > 0;
    file.open(filename, append ? std::ios::app : std::ios::trunc);
    if (!file) throw std::runtime_error("ctnn::csv_logger: cannot open " + filename.string());
    header_written = had_content;
  }
  void on_epoch_end(const epoch_logs& logs, training_control&) {
    if (!header_written) {
      file << "epoch,accuracy,loss" << (logs.val_loss ? ",val_accuracy,val_loss" : "") << "\n";
      header_written = true;
    }
    file << logs.epoch << "," << logs.accuracy << "," << logs.loss;
    if (logs.val_loss) file << "," << logs.val_accuracy.value_or(0) << "," << *logs.val_loss;
    file << "\n" << std::flush;
  }
  void on_train_end(training_control&) { file.close(); }

  // State while training.
  std::ofstream file{};
  bool header_written = false;
};

static_assert(callback<csv_logger>);

}  // namespace ctnn
