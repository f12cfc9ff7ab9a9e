// The C++ half of the deploy example (README, "Deploy a PyTorch model"): the residual CNN that
// train.py trained in PyTorch and tools/ctnn_import turned into fashion_cnn.hpp -- the type, the
// weights compiled in, a test vector of PyTorch's outputs -- classifies Fashion-MNIST's 10,000
// test images, and its answers are compared with PyTorch's.
//
//   fashion_cnn DIR [FASHION_MNIST_DIR]      DIR: where train.py wrote torch_predictions.npy
#include <cstddef>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <memory>

#include <ctnn/data/load_dataset.hpp>
#include <ctnn/io/load_npy.hpp>

#include "fashion_cnn.hpp"  // written by ctnn_import: fashion_cnn::network, load(), inference_model

int main(int argc, char** argv) try {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR [FASHION_MNIST_DIR]\n", argv[0]);
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  auto model = std::make_unique<fashion_cnn::inference_model>();  // heap: a model holds its arena
  fashion_cnn::load(*model);  // the weights compiled in; checks PyTorch's outputs for 16 images

  const auto data = ctnn::load_idx_dataset<10, 28, 28, 1>(argc > 2 ? argv[2] : ctnn::default_fashion_mnist_dir());
  const auto torch_predictions = ctnn::load_npy(dir / "torch_predictions.npy");
  const std::size_t n = data.x_test.size();
  if (torch_predictions.size() != n) throw std::runtime_error("torch_predictions.npy does not hold one class per test image");
  const auto logits = model->predict(data.x_test, 250);
  std::size_t right = 0, agree = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t best = 0, label = 0;
    for (std::size_t k = 1; k < 10; ++k) {
      if (logits[i][k] > logits[i][best]) best = k;
      if (data.y_test[i][k] > data.y_test[i][label]) label = k;
    }
    right += best == label;
    agree += best == static_cast<std::size_t>(torch_predictions(i));
  }
  std::printf("fashion_cnn: ctnn_test_accuracy=%.4f; %zu of %zu predictions equal PyTorch's\n",
              static_cast<double>(right) / static_cast<double>(n), agree, n);
  // Both run float32 in different orders: a test image whose two best logits are within rounding
  // of each other may go either way; more than one in a thousand would be a conversion mistake.
  return agree * 1000 >= n * 999 ? 0 : 1;
} catch (const std::exception& e) {
  std::fprintf(stderr, "fashion_cnn: %s\n", e.what());
  return 1;
}
