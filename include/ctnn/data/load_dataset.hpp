#pragma once
// ctnn::load_idx_dataset: the four files of an MNIST-style dataset as network-ready samples,
// the counterpart of Keras' datasets.*.load_data() followed by scaling and to_categorical.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "../core/samples.hpp"
#include "data_error.hpp"
#include "idx.hpp"
#include "to_categorical.hpp"

namespace ctnn {

// Classes comes first because it is always given, while Dims... is the network's input shape.
template <std::size_t Classes, std::size_t... Dims>
struct train_test_data {
  samples<Dims...> x_train;
  samples<Classes> y_train;
  samples<Dims...> x_test;
  samples<Classes> y_test;
};

// Where Debian-style installs put Fashion-MNIST; tests and examples use it when present.
inline std::filesystem::path default_fashion_mnist_dir() {
  return "/usr/share/datasets/fashion-mnist";
}

namespace detail {

// Downloads come as .gz and are often unpacked in place; take the plain file when both exist,
// since it reads faster.
inline std::filesystem::path find_idx_file(const std::filesystem::path& dir,
                                           const std::string& name) {
  const auto plain = dir / name;
  const auto gz = dir / (name + ".gz");
  std::error_code ec;
  if (std::filesystem::exists(plain, ec)) return plain;
  if (std::filesystem::exists(gz, ec)) return gz;
  throw data_error(plain, "not found: neither " + plain.string() + " nor " + gz.string() +
                              " exists" +
                              (std::filesystem::is_directory(dir, ec)
                                   ? std::string()
                                   : " (there is no directory " + dir.string() + ")"));
}

template <std::size_t Classes, std::size_t... Dims>
void load_idx_split(const std::filesystem::path& images_path,
                    const std::filesystem::path& labels_path, samples<Dims...>& x,
                    samples<Classes>& y) {
  x = load_idx_images<Dims...>(images_path);
  const auto labels = load_idx_labels(labels_path);
  if (labels.size() != x.size())
    throw data_error(labels_path, "has " + std::to_string(labels.size()) + " labels but " +
                                      images_path.string() + " has " + std::to_string(x.size()) +
                                      " images; they must pair up one to one");
  // Checked here rather than left to to_categorical so that the error names the file.
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i] >= Classes)
      throw data_error(labels_path, "sample " + std::to_string(i) + " has label " +
                                        std::to_string(labels[i]) + ", but the network has " +
                                        std::to_string(Classes) + " classes (labels 0 to " +
                                        std::to_string(Classes - 1) + ")");
  y = to_categorical<Classes>(labels);
}

}  // namespace detail

// Reads train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and
// t10k-labels-idx1-ubyte from dir, each plain or with .gz appended. All four are located
// before any is read, so a missing file is reported before a slow load.
template <std::size_t Classes, std::size_t... Dims>
train_test_data<Classes, Dims...> load_idx_dataset(const std::filesystem::path& dir) {
  const auto train_images = detail::find_idx_file(dir, "train-images-idx3-ubyte");
  const auto train_labels = detail::find_idx_file(dir, "train-labels-idx1-ubyte");
  const auto test_images = detail::find_idx_file(dir, "t10k-images-idx3-ubyte");
  const auto test_labels = detail::find_idx_file(dir, "t10k-labels-idx1-ubyte");
  train_test_data<Classes, Dims...> d;
  detail::load_idx_split(train_images, train_labels, d.x_train, d.y_train);
  detail::load_idx_split(test_images, test_labels, d.x_test, d.y_test);
  return d;
}

}  // namespace ctnn
