#pragma once
// The callback policy: objects passed to fit() after its options, called at the end of every
// epoch (Keras' Callback.on_epoch_end) and, optionally, when training and each epoch begin, after
// each batch, and when training ends.
//
//   struct my_callback {
//     void on_epoch_end(const ctnn::epoch_logs& logs, ctnn::training_control& control);
//     void on_train_begin(ctnn::training_control&);                             // optional
//     void on_epoch_begin(std::size_t epoch, ctnn::training_control&);          // optional
//     void on_train_batch_end(const ctnn::batch_logs&, ctnn::training_control&); // optional
//     void on_train_end(ctnn::training_control&);                               // optional
//   };
//   model.fit(x, y, {.epochs = 50, .validation_split = 0.2}, ctnn::early_stopping{.patience = 3});
//
// Callbacks see the epoch's metrics and may stop training, change the learning rate, and read
// or write the model's parameters through training_control; they are taken by reference, so
// their state (the best epoch, say) is there to inspect after fit returns.
#include <concepts>
#include <cstddef>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ctnn {

// Metrics at the end of an epoch, as Keras' logs dict.
struct epoch_logs {
  std::size_t epoch = 0;  // 0-based
  double loss = 0, accuracy = 0;
  std::optional<double> val_loss{}, val_accuracy{};

  // Keras' monitor names: "loss", "accuracy", "val_loss", "val_accuracy".
  std::optional<double> get(std::string_view name) const {
    if (name == "loss") return loss;
    if (name == "accuracy") return accuracy;
    if (name == "val_loss") return val_loss;
    if (name == "val_accuracy") return val_accuracy;
    throw std::invalid_argument("ctnn: unknown metric '" + std::string(name) +
                                "'; expected loss, accuracy, val_loss or val_accuracy");
  }
};

// Metrics after a batch: the running means over the epoch so far, as Keras' batch logs.
struct batch_logs {
  std::size_t batch = 0;  // 0-based, within the epoch
  double loss = 0, accuracy = 0;
};

// What fit() is running (Keras' Callback.params).
struct training_params {
  std::size_t epochs = 0;  // the epoch fit() stops before
  std::size_t steps = 0;   // batches per epoch
};

// What a callback may change in training as it runs.
class training_control {
 public:
  training_control(std::span<float> parameters, float& learning_rate, training_params params = {}) noexcept
      : parameters_(parameters), learning_rate_(&learning_rate), params_(params) {}

  const training_params& params() const noexcept { return params_; }

  // Keras' model.stop_training = True: fit returns after this epoch, with `reason` recorded in
  // the history.
  void stop_training(std::string reason) { stop_ = true; reason_ = std::move(reason); }
  bool stopping() const noexcept { return stop_; }
  const std::string& stop_reason() const noexcept { return reason_; }

  float learning_rate() const noexcept { return *learning_rate_; }
  void set_learning_rate(float lr) noexcept { *learning_rate_ = lr; }

  // The model's parameter arena (for snapshots such as restore_best_weights).
  std::span<float> parameters() const noexcept { return parameters_; }

 private:
  std::span<float> parameters_;
  float* learning_rate_;
  training_params params_;
  bool stop_ = false;
  std::string reason_;
};

template <class C>
concept callback = requires(C& c, const epoch_logs& logs, training_control& control) {
  c.on_epoch_end(logs, control);
};

namespace detail {
template <class C>
void train_begin(C& c, training_control& t) {
  if constexpr (requires { c.on_train_begin(t); }) c.on_train_begin(t);
}
template <class C>
void train_end(C& c, training_control& t) {
  if constexpr (requires { c.on_train_end(t); }) c.on_train_end(t);
}
template <class C>
void epoch_begin(C& c, std::size_t epoch, training_control& t) {
  if constexpr (requires { c.on_epoch_begin(epoch, t); }) c.on_epoch_begin(epoch, t);
}
template <class C>
void train_batch_end(C& c, const batch_logs& logs, training_control& t) {
  if constexpr (requires { c.on_train_batch_end(logs, t); }) c.on_train_batch_end(logs, t);
}
// "auto" mode as Keras: maximize metrics named like accuracy, minimize the rest.
inline bool maximizes(std::string_view mode, std::string_view monitor) {
  if (mode == "min") return false;
  if (mode == "max") return true;
  if (mode != "auto")
    throw std::invalid_argument("ctnn: mode must be \"auto\", \"min\" or \"max\", not \"" + std::string(mode) + "\"");
  return monitor.find("acc") != std::string_view::npos;
}
}  // namespace detail

}  // namespace ctnn
