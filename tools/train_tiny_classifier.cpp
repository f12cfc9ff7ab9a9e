// Trains the tiny classifier of examples/embedded_model.cpp and saves it: the build runs this
// to make the weights that ctnn_embed_weights compiles into the example (so they always match
// the current weight format). Usage: train_tiny_classifier <output.ctnn>
//
// The task: which third of the plane a point lies in -- class k for angles in
// [k * 120, (k + 1) * 120) degrees -- learned from 600 random points in [-1, 1]^2.
#include <cmath>
#include <cstdio>
#include <exception>
#include <numbers>

#include <ctnn/ctnn.hpp>
#include <ctnn/io/make_test_vector.hpp>
#include <ctnn/io/save.hpp>

// The same type as in examples/embedded_model.cpp, which checks at compile time (through the
// embedded file's network fingerprint) that the two have not drifted apart.
using tiny_classifier = ctnn::sequential<ctnn::input<2>,
                                         ctnn::dense<16, ctnn::relu>,
                                         ctnn::dense<16, ctnn::relu>,
                                         ctnn::dense<3, ctnn::softmax>>;

int main(int argc, char** argv) try {
  if (argc != 2) {
    std::fprintf(stderr, "usage: train_tiny_classifier <output.ctnn>\n");
    return 2;
  }
  constexpr std::size_t n = 600;
  ctnn::samples<2> x(n);
  ctnn::samples<3> y(n);
  ctnn::detail::rng rng(7);
  for (std::size_t i = 0; i < n; ++i) {
    const double px = rng.uniform(-1, 1), py = rng.uniform(-1, 1);
    x[i][0] = static_cast<float>(px);
    x[i][1] = static_cast<float>(py);
    const double degrees = std::atan2(py, px) * 180 / std::numbers::pi + 360;
    y[i][static_cast<std::size_t>(std::fmod(degrees, 360.0) / 120.0) % 3] = 1;
  }
  ctnn::model<tiny_classifier, ctnn::loss::categorical_crossentropy, ctnn::optim::adam> model{
      {.learning_rate = 1e-2f}, {}, {.seed = 3}};
  model.fit(x, y, {.epochs = 40, .batch_size = 32, .verbose = 0});
  const auto [loss, accuracy] = model.evaluate(x, y);
  // A deployed model needs no optimizer state; the test vector makes every load check that the
  // weights still give these outputs.
  ctnn::save(model, argv[1], {.optimizer_state = false, .test = ctnn::make_test_vector(model, x.slice(0, 8))});
  std::printf("train_tiny_classifier: loss %.4f, accuracy %.3f, saved %s\n", loss, accuracy, argv[1]);
} catch (const std::exception& e) {
  std::fprintf(stderr, "train_tiny_classifier: %s\n", e.what());
  return 1;
}
