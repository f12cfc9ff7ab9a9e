// model_checkpoint: what it saves is the model of the epoch it names, in ctnn's weight format.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include <ctnn/ctnn.hpp>

#include "support/temp_dir.hpp"
#include "support/toy_data.hpp"

namespace {

using ctnn_test::toy_data;
using ctnn_test::toy_labels;

using net = ctnn::sequential<ctnn::input<8>, ctnn::dense<16, ctnn::relu>, ctnn::dense<3, ctnn::softmax>>;
using model_t = ctnn::model<net, ctnn::loss::categorical_crossentropy, ctnn::optim::adam>;

// Records the parameters and optimizer state at the end of every epoch.
struct snapshots {
  model_t* m;
  std::vector<std::vector<float>> params{}, state{};
  void on_epoch_end(const ctnn::epoch_logs&, ctnn::training_control& control) {
    params.emplace_back(control.parameters().begin(), control.parameters().end());
    state.emplace_back(m->optimizer_state().begin(), m->optimizer_state().end());
  }
};

std::vector<float> params_of(const model_t& m) { return {m.parameters().begin(), m.parameters().end()}; }

// One directory per process: CTest runs the test cases as parallel processes.
using ctnn_test::temp_dir;

const ctnn::fit_options options{.epochs = 8, .batch_size = 16, .verbose = 0, .validation_split = 0.5};

}  // namespace

TEST_CASE("model_checkpoint: save_best_only keeps the model of the best val_loss epoch", "[callbacks][io]") {
  temp_dir dir;
  const auto [x, y] = toy_data(64, 4, toy_labels::random);
  model_t m;
  m.optimizer().learning_rate = 0.05f;  // large steps on noise: val_loss rises after a few epochs
  snapshots seen{&m};
  ctnn::model_checkpoint checkpoint(m, dir.path() / "best.ctnn", {.monitor = "val_loss", .save_best_only = true});
  const auto h = m.fit(x, y, options, checkpoint, seen);
  const auto best = static_cast<std::size_t>(
      std::min_element(h.val_loss.begin(), h.val_loss.end()) - h.val_loss.begin());
  REQUIRE(best + 1 < h.val_loss.size());  // the test means something only if a later epoch was worse
  CHECK(checkpoint.saved_epoch == best);
  CHECK(checkpoint.best == h.val_loss[best]);
  std::size_t improvements = 0;
  for (std::size_t e = 0; e < h.val_loss.size(); ++e)
    improvements += std::all_of(h.val_loss.begin(), h.val_loss.begin() + static_cast<std::ptrdiff_t>(e),
                                [&](double v) { return h.val_loss[e] < v; });
  CHECK(checkpoint.saves == improvements);

  model_t restored;
  ctnn::load(restored, dir.path() / "best.ctnn");
  CHECK(params_of(restored) == seen.params[best]);
  CHECK(std::vector<float>(restored.optimizer_state().begin(), restored.optimizer_state().end()) == seen.state[best]);
  CHECK(params_of(restored) != params_of(m));
}

TEST_CASE("model_checkpoint: every epoch, to paths naming the epoch", "[callbacks][io]") {
  temp_dir dir;
  const auto [x, y] = toy_data(64, 5, toy_labels::random);
  model_t m;
  snapshots seen{&m};
  ctnn::model_checkpoint checkpoint(m, dir.path() / "weights.{epoch:02d}.ctnn", {.include_optimizer = false});
  m.fit(x, y, options, checkpoint, seen);
  CHECK(checkpoint.saves == 8);
  CHECK(checkpoint.last_saved == dir.path() / "weights.08.ctnn");
  for (std::size_t e : {0u, 3u, 7u}) {
    model_t restored;
    ctnn::load(restored, dir.path() / ("weights.0" + std::to_string(e + 1) + ".ctnn"));
    CHECK(params_of(restored) == seen.params[e]);
  }
}

TEST_CASE("model_checkpoint: bad paths and monitors are clear errors", "[callbacks][io]") {
  temp_dir dir;
  model_t m;
  CHECK_THROWS_WITH(ctnn::model_checkpoint(m, dir.path() / "w.{val_loss:.2f}.ctnn"),
                    Catch::Contains("a field other than {epoch}"));
  CHECK_THROWS_WITH(ctnn::model_checkpoint(m, dir.path() / "w.ctnn", {.mode = "biggest"}), Catch::Contains("mode must be"));
  CHECK_THROWS_WITH(ctnn::model_checkpoint(m, dir.path() / "w.ctnn", {.monitor = "val_acc"}),
                    Catch::Contains("unknown metric 'val_acc'"));
  const auto [x, y] = toy_data(32, 6, toy_labels::random);
  ctnn::model_checkpoint checkpoint(m, dir.path() / "w.ctnn", {.save_best_only = true});  // val_loss, none computed
  auto no_validation = options;
  no_validation.validation_split = 0;
  CHECK_THROWS_WITH(m.fit(x, y, no_validation, checkpoint), Catch::Contains("'val_loss', which fit did not compute at epoch 1"));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "w.ctnn"));
}
