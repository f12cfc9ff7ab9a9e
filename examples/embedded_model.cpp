// A model whose weights are compiled into the program: no weight file to ship, find or open at
// run time. CMake's ctnn_embed_weights(embedded_model tiny_classifier.ctnn) turned the weight
// file (made at build time by tools/train_tiny_classifier.cpp) into the header included below;
// ctnn::load_from_memory builds the model from it with every check ctnn::load makes (checksum,
// network, shapes, the test vector saved with the weights). After that, predict_one answers
// without touching the heap.
#include <array>
#include <cmath>
#include <cstdio>
#include <exception>

#include <ctnn/ctnn.hpp>
#include <ctnn/io/load_from_memory.hpp>
#include <ctnn/io/network_fingerprint.hpp>

#include "tiny_classifier.hpp"  // generated: ctnn_embedded::tiny_classifier::{data, bytes(), fingerprint}

using tiny_classifier = ctnn::sequential<ctnn::input<2>,
                                         ctnn::dense<16, ctnn::relu>,
                                         ctnn::dense<16, ctnn::relu>,
                                         ctnn::dense<3, ctnn::softmax>>;

// Weights for another network type fail here, at compile time.
static_assert(ctnn::network_fingerprint<tiny_classifier> == ctnn_embedded::tiny_classifier::fingerprint,
              "the embedded weights were saved from another network type than tiny_classifier");

int main() try {
  // Inference only: the optimizer is never used.
  ctnn::model<tiny_classifier, ctnn::loss::categorical_crossentropy, ctnn::optim::sgd> model;
  ctnn::load_from_memory(model, ctnn_embedded::tiny_classifier::bytes());

  // Which third of the plane each point is in (0: 0-120 degrees, 1: 120-240, 2: 240-360).
  constexpr std::array<std::array<float, 2>, 6> points{{{0.8f, 0.6f}, {-0.2f, 0.9f}, {-0.9f, 0.1f},
                                                        {-0.5f, -0.7f}, {0.3f, -0.9f}, {0.9f, -0.3f}}};
  constexpr std::array<std::size_t, 6> expected{0, 0, 1, 1, 2, 2};
  std::size_t right = 0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto p = model.predict_one(points[i]);
    std::size_t best = 0;
    for (std::size_t k = 1; k < 3; ++k)
      if (p[k] > p[best]) best = k;
    right += best == expected[i];
    std::printf("(%5.2f, %5.2f) -> class %zu (p = %.3f)\n", static_cast<double>(points[i][0]),
                static_cast<double>(points[i][1]), best, static_cast<double>(p[best]));
  }
  std::printf("embedded_model: %zu of %zu right, %zu weight bytes embedded\n", right, points.size(),
              sizeof ctnn_embedded::tiny_classifier::data);
  return right == points.size() ? 0 : 1;
} catch (const std::exception& e) {
  std::fprintf(stderr, "embedded_model: %s\n", e.what());
  return 1;
}
