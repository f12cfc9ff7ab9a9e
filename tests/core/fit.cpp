// fit's Keras workflow: validation, callbacks, initial_epoch, divergence, data streams.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <span>
#include <stdexcept>
#include <sstream>

#include <ctnn/ctnn.hpp>

#include "support/temp_dir.hpp"
#include "support/allocation_counter.hpp"
#include "support/toy_data.hpp"

namespace {

using ctnn_test::toy_data;

using net = ctnn::sequential<ctnn::input<8>, ctnn::dense<16, ctnn::relu>, ctnn::dense<3, ctnn::softmax>>;
using model_t = ctnn::model<net, ctnn::loss::categorical_crossentropy, ctnn::optim::adam>;

std::vector<float> params(model_t& m) { return {m.parameters().begin(), m.parameters().end()}; }

const ctnn::fit_options quiet{.epochs = 3, .batch_size = 16, .verbose = 0};

}  // namespace

TEST_CASE("fit: validation_split holds out the last fraction, before shuffling", "[fit]") {
  const auto [x, y] = toy_data(200, 1);
  model_t m;
  auto options = quiet;
  options.validation_split = 0.25;
  const auto h = m.fit(x, y, options);
  REQUIRE(h.val_loss.size() == 3);
  // The last epoch's validation metrics are evaluate() on the last 50 samples, in batches of the
  // same size (products of other row counts may sum in another order: an ulp in a logit).
  const auto [loss, accuracy] = m.evaluate(x.slice(150, 50), y.slice(150, 50), {.batch_size = 16});
  CHECK(h.val_loss.back() == Approx(loss).epsilon(1e-12));
  CHECK(h.val_accuracy.back() == Approx(accuracy).epsilon(1e-12));
  // Training saw only the first 150: the same as fitting on them alone.
  model_t twin;
  auto plain = quiet;
  twin.fit(x.slice(0, 150), y.slice(0, 150), plain);
  CHECK(params(m) == params(twin));
}

TEST_CASE("fit: validation_data is evaluated every epoch; history as CSV", "[fit][history]") {
  const auto [x, y] = toy_data(128, 2);
  const auto [xv, yv] = toy_data(64, 3);
  model_t m;
  std::ostringstream progress;
  auto options = quiet;
  options.verbose = 2;
  options.output = &progress;
  const auto h = m.fit(x, y, options, ctnn::validation_data{xv, yv});
  REQUIRE(h.val_accuracy.size() == 3);
  CHECK(h.val_loss.back() == Approx(m.evaluate(xv, yv).loss).epsilon(1e-12));
  CHECK_THAT(progress.str(), Catch::Contains(" - val_loss: ") && Catch::Contains(" - val_accuracy: "));
  CHECK_THAT(h.to_csv(), Catch::StartsWith("epoch,accuracy,loss,val_accuracy,val_loss\n0,"));
}

TEST_CASE("fit: early_stopping stops at the predicted epoch", "[fit][callbacks]") {
  const auto [x, y] = toy_data(64, 4);
  // A learning rate of 0 keeps the loss exactly constant (no shuffling: same summation order),
  // so nothing improves after epoch 0 and patience 2 stops training after epoch 2.
  ctnn::model<net, ctnn::loss::categorical_crossentropy, ctnn::optim::sgd> m{{.learning_rate = 0.0f}};
  ctnn::early_stopping stop{.monitor = "loss", .patience = 2};
  const auto h = m.fit(x, y, {.epochs = 10, .batch_size = 16, .shuffle = false, .verbose = 0}, stop);
  CHECK(h.epoch.size() == 3);
  CHECK(stop.stopped_epoch == 2);
  CHECK_THAT(h.stop_reason, Catch::Contains("early_stopping: loss did not improve for 2 epochs"));
}

TEST_CASE("fit: reduce_lr_on_plateau changes the optimizer's rate, recorded in the history", "[fit][callbacks]") {
  const auto [x, y] = toy_data(64, 5);
  // A rate too small to change any float parameter keeps the loss constant: epoch 0 sets the
  // best, epoch 1 does not improve (patience 1) and cuts the rate, which epoch 2 then uses.
  ctnn::model<net, ctnn::loss::categorical_crossentropy, ctnn::optim::sgd> m{{.learning_rate = 1e-30f}};
  ctnn::reduce_lr_on_plateau plateau{.monitor = "loss", .factor = 0.5, .patience = 1};
  const auto h = m.fit(x, y, {.epochs = 3, .batch_size = 16, .shuffle = false, .verbose = 0}, plateau);
  REQUIRE(h.learning_rate.size() == 3);  // the rate each epoch trained with, as Keras' logs["lr"]
  CHECK(h.learning_rate[0] == 1e-30f);
  CHECK(h.learning_rate[1] == 1e-30f);
  CHECK(h.learning_rate[2] / 1e-30f == Approx(0.5f));
  CHECK(m.optimizer().learning_rate / 1e-30f == Approx(0.25f));
}

TEST_CASE("fit: initial_epoch resumes the epoch count", "[fit]") {
  const auto [x, y] = toy_data(64, 6);
  model_t m;
  auto options = quiet;
  options.initial_epoch = 2;
  const auto h = m.fit(x, y, options);
  REQUIRE(h.epoch.size() == 1);
  CHECK(h.epoch[0] == 2);
  options.initial_epoch = 4;
  REQUIRE_THROWS_WITH(m.fit(x, y, options), Catch::Contains("initial_epoch 4 is past epochs 3"));
}

TEST_CASE("fit: a non-finite loss stops training and keeps the last good parameters", "[fit]") {
  auto [x, y] = toy_data(64, 7);
  x[40][3] = std::numeric_limits<float>::infinity();  // in batch 3 of 4 (batch size 16, no shuffle)
  model_t m, twin;
  std::ostringstream out;
  const auto h = m.fit(x, y, {.epochs = 2, .batch_size = 16, .shuffle = false, .verbose = 2, .output = &out});
  CHECK_THAT(h.stop_reason, Catch::Contains("batch 3 of epoch 1: invalid loss"));
  CHECK_THAT(out.str(), Catch::Contains("Stopped: batch 3 of epoch 1"));
  CHECK(h.epoch.size() == 1);
  // The parameters are those after batches 1 and 2.
  twin.train_on_batch(x.slice(0, 16), y.slice(0, 16));
  twin.train_on_batch(x.slice(16, 16), y.slice(16, 16));
  CHECK(params(m) == params(twin));
  for (float v : m.parameters()) REQUIRE(std::isfinite(v));
}

// The NaN guard: what fit commits is checked, not only the loss. Each case puts one bad value in
// sample 40 (row 8 of batch 3 of 4: batch size 16, no shuffle) and expects training to stop
// there with the parameters -- all finite -- of a twin trained on batches 1 and 2 only.
TEST_CASE("fit: a NaN, an infinity or a huge input never reaches the parameters", "[fit][nan]") {
  const float bad = GENERATE(std::numeric_limits<float>::quiet_NaN(), -std::numeric_limits<float>::infinity(),
                             1e38f, 3e37f);
  INFO("x[40][3] = " << bad);
  auto [x, y] = toy_data(64, 7);
  x[40][3] = bad;
  model_t m, twin;
  const auto h = m.fit(x, y, {.epochs = 2, .batch_size = 16, .shuffle = false, .verbose = 0});
  CHECK_THAT(h.stop_reason, Catch::StartsWith("batch 3 of epoch 1: "));
  CHECK_THAT(h.stop_reason, Catch::Contains("the parameters are those before this batch"));
  if (!std::isfinite(bad)) CHECK_THAT(h.stop_reason, Catch::Contains("input row 8 of the batch (sample 40)"));
  CHECK(h.epoch.size() == 1);
  twin.train_on_batch(x.slice(0, 16), y.slice(0, 16));
  twin.train_on_batch(x.slice(16, 16), y.slice(16, 16));
  CHECK(params(m) == params(twin));
  CHECK(std::vector<float>(m.optimizer_state().begin(), m.optimizer_state().end()) ==
        std::vector<float>(twin.optimizer_state().begin(), twin.optimizer_state().end()));
  CHECK(m.iterations() == 2);
  for (float v : m.parameters()) REQUIRE(std::isfinite(v));
  for (float v : m.optimizer_state()) REQUIRE(std::isfinite(v));
}

TEST_CASE("train_on_batch: a step with non-finite gradients throws and changes nothing", "[fit][nan]") {
  auto [x, y] = toy_data(16, 3);
  x[5][0] = std::numeric_limits<float>::quiet_NaN();
  model_t m;
  const auto before = params(m);
  REQUIRE_THROWS_AS(m.train_on_batch(x, y), std::domain_error);
  REQUIRE_THROWS_WITH(m.train_on_batch(x, y), Catch::Contains("input row 5 of the batch holds a NaN or an infinity"));
  CHECK(params(m) == before);
  CHECK(m.iterations() == 0);
  for (float v : m.optimizer_state()) CHECK(v == 0.0f);
}

TEST_CASE("predict: a NaN input gives NaN outputs, not a plausible answer", "[fit][nan]") {
  auto [x, y] = toy_data(4, 3);
  x[2][0] = std::numeric_limits<float>::quiet_NaN();
  model_t m;
  const auto p = m.predict(x);
  for (float v : p[2]) CHECK(std::isnan(v));
  for (std::size_t r : {0u, 1u, 3u})
    for (float v : p[r]) CHECK(std::isfinite(v));
  const auto one = m.predict_one(std::span<const float, 8>(x[2].data(), 8));
  for (float v : one) CHECK(std::isnan(v));
}

TEST_CASE("fit: categorical_crossentropy refuses labels that are not probabilities", "[fit][nan]") {
  const float bad = GENERATE(std::numeric_limits<float>::quiet_NaN(), 1.5f, -0.25f);
  INFO("y[9][1] = " << bad);
  auto [x, y] = toy_data(32, 3);
  y[9][1] = bad;
  model_t m;
  const auto before = params(m);
  REQUIRE_THROWS_AS(m.fit(x, y, quiet), std::invalid_argument);
  REQUIRE_THROWS_WITH(m.fit(x, y, quiet), Catch::Contains("class 1 of sample 9") && Catch::Contains("[0, 1]"));
  CHECK(params(m) == before);
}

namespace {
// Writes samples as an uncompressed IDX image/label pair (values in [0, 1] stored as bytes).
void write_idx(const std::filesystem::path& dir, const ctnn::samples<8>& x, const ctnn::samples<3>& y) {
  auto be32 = [](std::ofstream& f, std::uint32_t v) {
    const unsigned char b[4] = {static_cast<unsigned char>(v >> 24), static_cast<unsigned char>(v >> 16),
                                static_cast<unsigned char>(v >> 8), static_cast<unsigned char>(v)};
    f.write(reinterpret_cast<const char*>(b), 4);
  };
  std::ofstream images(dir / "images", std::ios::binary), labels(dir / "labels", std::ios::binary);
  be32(images, 0x00000803);
  be32(images, static_cast<std::uint32_t>(x.size()));
  be32(images, 2);
  be32(images, 4);
  be32(labels, 0x00000801);
  be32(labels, static_cast<std::uint32_t>(x.size()));
  for (std::size_t i = 0; i < x.size(); ++i) {
    for (float v : x[i]) images.put(static_cast<char>(static_cast<unsigned char>(std::lround((v + 1) * 127.5f))));
    labels.put(static_cast<char>(std::max_element(y[i].begin(), y[i].end()) - y[i].begin()));
  }
}
using ctnn_test::temp_dir;
}  // namespace

TEST_CASE("fit: a streamed dataset trains bit for bit like the same data in memory", "[fit][data]") {
  const auto [x0, y0] = toy_data(300, 8);
  temp_dir dir;
  write_idx(dir.path(), x0, y0);
  ctnn::idx_dataset<3, 8> stream(dir.path() / "images", dir.path() / "labels");
  REQUIRE(stream.size() == 300);
  // The same values in memory, through the in-memory loader.
  const auto x = ctnn::load_idx_images<8>(dir.path() / "images");
  const auto y = ctnn::to_categorical<3>(ctnn::load_idx_labels(dir.path() / "labels"));
  model_t a, b;
  auto options = quiet;
  options.validation_split = 0.2;
  const auto ha = a.fit(stream, options);
  const auto hb = b.fit(x, y, options);
  CHECK(params(a) == params(b));
  CHECK(ha.val_loss == hb.val_loss);
  CHECK(a.evaluate(stream).loss == b.evaluate(x, y).loss);
}

TEST_CASE("fit: memory stays flat as a streamed dataset grows", "[fit][data]") {
  temp_dir dir;
  auto bytes_for = [&](std::size_t n) {
    const auto [x, y] = toy_data(n, 9);
    write_idx(dir.path(), x, y);
    ctnn::idx_dataset<3, 8> stream(dir.path() / "images", dir.path() / "labels");
    model_t m;
    m.fit(stream, quiet);  // first call: workspaces
    return ctnn_test::count_allocations([&] { m.fit(stream, quiet); }) == 0
               ? std::size_t{0}
               : ctnn_test::allocated_bytes().load();
  };
  const std::size_t small = bytes_for(64), large = bytes_for(64 * 40);
  CHECK(large == small);  // nothing per sample: 40 times the data, not one byte more
}

TEST_CASE("fit: bad streams and options give clear errors", "[fit][data]") {
  temp_dir dir;
  const auto [x, y] = toy_data(20, 10);
  write_idx(dir.path(), x, y);
  REQUIRE_THROWS_WITH((ctnn::idx_dataset<3, 9>(dir.path() / "images", dir.path() / "labels")),
                      Catch::Contains("each image is 2x4 (8 values) but the network input needs 9 values"));
  REQUIRE_THROWS_WITH((ctnn::idx_dataset<2, 8>(dir.path() / "images", dir.path() / "labels")).read(
                          std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, std::vector<float>(80).data(),
                          std::vector<float>(20).data()),
                      Catch::Contains("has label 2, but the network has 2 classes"));
  REQUIRE_THROWS_WITH((ctnn::idx_dataset<3, 8>(ctnn::default_fashion_mnist_dir() / "t10k-images-idx3-ubyte.gz",
                                               ctnn::default_fashion_mnist_dir() / "t10k-labels-idx1-ubyte.gz")),
                      Catch::Contains("gzip-compressed") || Catch::Contains("no such file"));
  model_t m;
  auto options = quiet;
  options.validation_split = 1.0;
  REQUIRE_THROWS_WITH(m.fit(x, y, options), Catch::Contains("validation_split must be in [0, 1)"));
}

TEST_CASE("fit: two threads train bit for bit like one", "[fit][threads]") {
  // Large enough that the products (64 x 256 x 300 multiply-adds) and the optimizer update
  // (77,059 parameters) split across threads when OpenMP is there; the same bits either way.
  using wide = ctnn::sequential<ctnn::input<300>, ctnn::dense<256, ctnn::relu>, ctnn::dense<3, ctnn::softmax>>;
  using wide_model = ctnn::model<wide, ctnn::loss::categorical_crossentropy, ctnn::optim::rmsprop>;
  ctnn::samples<300> x(192);
  ctnn::samples<3> y(192);
  ctnn::detail::rng r(21);
  for (std::size_t i = 0; i < 192; ++i) {
    for (auto& v : x[i]) v = static_cast<float>(r.uniform(-1, 1));
    y[i][i % 3] = 1;
  }
  wide_model one, two;
  one.fit(x, y, {.epochs = 2, .batch_size = 64, .verbose = 0, .threads = 1});
  two.fit(x, y, {.epochs = 2, .batch_size = 64, .verbose = 0, .threads = 2});
  CHECK(std::equal(one.parameters().begin(), one.parameters().end(), two.parameters().begin()));
  CHECK(std::equal(one.optimizer_state().begin(), one.optimizer_state().end(), two.optimizer_state().begin()));
}
