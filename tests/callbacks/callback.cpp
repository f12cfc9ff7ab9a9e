#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <ctnn/ctnn.hpp>
#include <ctnn/detail/random_permutation.hpp>

namespace {

// Feeds a scripted sequence of monitor values to a callback, as fit would, and returns the
// epoch after which it asked training to stop (or the number of epochs if it never did).
template <class C>
std::size_t run_script(C& cb, const std::vector<double>& val_loss, std::vector<float>& weights, float& lr,
                       std::vector<float>* lrs = nullptr) {
  ctnn::training_control control(weights, lr);
  ctnn::detail::train_begin(cb, control);
  for (std::size_t e = 0; e < val_loss.size(); ++e) {
    weights.assign(weights.size(), static_cast<float>(e));  // "training" writes the epoch number
    ctnn::epoch_logs logs{.epoch = e, .loss = 1.0, .accuracy = 0.5, .val_loss = val_loss[e], .val_accuracy = 0.5};
    cb.on_epoch_end(logs, control);
    if (lrs) lrs->push_back(control.learning_rate());
    if (control.stopping()) return e;
  }
  return val_loss.size();
}

}  // namespace

TEST_CASE("early_stopping: stops at the predicted epoch and restores the best weights", "[callbacks]") {
  // Best at epoch 2 (0.5); epochs 3, 4, 5 do not improve; patience 3 -> stops after epoch 5.
  const std::vector<double> val_loss{1.0, 0.8, 0.5, 0.6, 0.55, 0.7, 0.4, 0.3};
  ctnn::early_stopping es{.patience = 3, .restore_best_weights = true};
  std::vector<float> w(4);
  float lr = 0.1f;
  CHECK(run_script(es, val_loss, w, lr) == 5);
  CHECK(es.stopped_epoch == 5);
  CHECK(es.best_epoch == 2);
  CHECK(es.best == 0.5);
  CHECK(w == std::vector<float>(4, 2.0f));  // epoch 2's weights
}

TEST_CASE("early_stopping: min_delta, mode max and patience 0", "[callbacks]") {
  // An improvement smaller than min_delta does not count.
  ctnn::early_stopping es{.min_delta = 0.1, .patience = 1};
  std::vector<float> w(1);
  float lr = 0.1f;
  CHECK(run_script(es, {1.0, 0.95, 0.92, 0.5}, w, lr) == 1);
  // Maximizing accuracy ("auto" mode picks max for accuracy-like names).
  ctnn::early_stopping acc{.monitor = "val_accuracy", .patience = 0};
  CHECK(run_script(acc, {0.5, 0.5}, w, lr) == 1);
  CHECK(ctnn::detail::maximizes("auto", "val_accuracy"));
  CHECK_FALSE(ctnn::detail::maximizes("auto", "val_loss"));
  REQUIRE_THROWS_WITH(ctnn::detail::maximizes("sideways", "loss"), Catch::Contains("\"sideways\""));
  ctnn::epoch_logs logs;
  REQUIRE_THROWS_WITH(logs.get("val_acc"), Catch::Contains("unknown metric 'val_acc'"));
}

TEST_CASE("reduce_lr_on_plateau: divides the rate after patience epochs, then cools down", "[callbacks]") {
  ctnn::reduce_lr_on_plateau r{.factor = 0.5, .patience = 2, .cooldown = 1, .min_lr = 0.02};
  std::vector<float> w(1), lrs;
  float lr = 0.1f;
  // Keras' rules: epoch 0 improves; a flat epoch adds one to wait, unless in cooldown; at
  // wait == patience the rate is cut and cooldown starts; the epoch that ends the cooldown
  // already counts. So: 0.1, 0.1, cut to 0.05 (cooldown), 0.05 (wait 1), cut to 0.025,
  // 0.025, cut to max(0.0125, min_lr) = 0.02, then never below min_lr.
  run_script(r, {1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0}, w, lr, &lrs);
  const std::vector<float> expected{0.1f, 0.1f, 0.05f, 0.05f, 0.025f, 0.025f, 0.02f, 0.02f, 0.02f};
  REQUIRE(lrs.size() == expected.size());
  for (std::size_t i = 0; i < lrs.size(); ++i) CHECK(lrs[i] == Approx(expected[i]));
}

TEST_CASE("csv_logger and history: Keras' CSV columns", "[callbacks][history]") {
  const auto path =
      std::filesystem::temp_directory_path() / ("ctnn_csv_logger_" + std::to_string(::getpid()) + ".csv");
  ctnn::csv_logger logger{.filename = path};
  std::vector<float> w(1);
  float lr = 0.1f;
  run_script(logger, {0.5, 0.25}, w, lr);
  std::ifstream f(path);
  std::stringstream text;
  text << f.rdbuf();
  CHECK(text.str() == "epoch,accuracy,loss,val_accuracy,val_loss\n0,0.5,1,0.5,0.5\n1,0.5,1,0.5,0.25\n");
  std::filesystem::remove(path);

  ctnn::history h;
  h.epoch = {0, 1};
  h.loss = {0.75, 0.5};
  h.accuracy = {0.6, 0.8};
  CHECK(h.to_csv() == "epoch,accuracy,loss\n0,0.6,0.75\n1,0.8,0.5\n");
  const std::string svg = h.to_svg();
  CHECK_THAT(svg, Catch::StartsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  CHECK_THAT(svg, Catch::Contains("<polyline") && Catch::Contains(">loss<") && Catch::Contains(">accuracy<"));
}

TEST_CASE("learning-rate schedules follow Keras' formulas", "[schedules]") {
  const ctnn::optim::exponential_decay smooth{.initial_learning_rate = 0.1f, .decay_steps = 10, .decay_rate = 0.5f};
  CHECK(smooth(0) == Approx(0.1f));
  CHECK(smooth(5) == Approx(0.1 * std::pow(0.5, 0.5)));
  CHECK(smooth(20) == Approx(0.025f));
  const ctnn::optim::exponential_decay stairs{.initial_learning_rate = 0.1f, .decay_steps = 10, .decay_rate = 0.5f, .staircase = true};
  CHECK(stairs(9) == Approx(0.1f));
  CHECK(stairs(10) == Approx(0.05f));
  const ctnn::optim::piecewise_constant_decay pw{.boundaries = {10, 20}, .values = {1.0f, 0.5f, 0.1f}};
  CHECK(pw(0) == 1.0f);
  CHECK(pw(10) == 1.0f);  // boundaries are inclusive on the left piece, as Keras
  CHECK(pw(11) == 0.5f);
  CHECK(pw(21) == 0.1f);
  const ctnn::optim::piecewise_constant_decay bad{.boundaries = {10}, .values = {1.0f}};
  REQUIRE_THROWS_WITH(bad(0), Catch::Contains("one more value than boundaries"));

  // A scheduled optimizer applies the schedule's rate at each step (step counts from 1).
  ctnn::optim::scheduled<ctnn::optim::sgd, ctnn::optim::piecewise_constant_decay> opt{
      .optimizer = {}, .schedule = {.boundaries = {1}, .values = {1.0f, 0.5f}}};
  STATIC_REQUIRE(ctnn::optimizer<decltype(opt)>);
  std::vector<float> p{0}, g{1}, state(opt.state_size(1));
  opt.update(p, g, state, 1);  // iterations 0: rate 1
  opt.update(p, g, state, 2);  // iterations 1: rate 1
  opt.update(p, g, state, 3);  // iterations 2: rate 0.5
  CHECK(p[0] == Approx(-2.5f));
  CHECK(opt.learning_rate == 0.5f);
}

TEST_CASE("random_permutation: a bijection of 0..n-1, different per seed", "[data]") {
  for (std::uint64_t n : {1u, 2u, 7u, 100u, 1000u, 4097u}) {
    const ctnn::detail::random_permutation p(n, 3);
    std::vector<bool> seen(n);
    for (std::uint64_t i = 0; i < n; ++i) {
      const auto v = p(i);
      REQUIRE(v < n);
      CHECK_FALSE(seen[v]);
      seen[v] = true;
    }
  }
  const ctnn::detail::random_permutation a(1000, 1), b(1000, 2);
  std::size_t same = 0, fixed = 0;
  for (std::uint64_t i = 0; i < 1000; ++i) { same += a(i) == b(i); fixed += a(i) == i; }
  CHECK(same < 20);
  CHECK(fixed < 20);
}
