#pragma once
// ctnn::idx_dataset<Classes, Dims...>: an MNIST-layout image/label file pair read from disk
// batch by batch, for data sets that do not fit in memory (Keras' generators). It holds the
// two open files and one sample's worth of bytes, whatever the number of samples; images are
// scaled to [0, 1] and labels one-hot encoded as they are read.
//
// Streaming needs random access (fit shuffles), so the files must be uncompressed IDX: a
// gzip file is rejected with a clear message (gunzip it, or load it with load_idx_dataset).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "../core/shape.hpp"
#include "data_error.hpp"
#include "dataset.hpp"
#include "idx.hpp"

namespace ctnn {

template <std::size_t Classes, std::size_t... Dims>
class idx_dataset {
 public:
  using input_shape = shape<Dims...>;
  using label_shape = shape<Classes>;

  idx_dataset(const std::filesystem::path& images, const std::filesystem::path& labels)
      : images_path_(images), labels_path_(labels),
        images_(std::make_unique<detail::idx_input>(images)),
        labels_(std::make_unique<detail::idx_input>(labels)) {
    images_header_ = detail::read_idx_header(*images_, images, detail::idx_content::images);
    labels_header_ = detail::read_idx_header(*labels_, labels, detail::idx_content::labels);
    for (auto* f : {images_.get(), labels_.get()})
      if (f->compressed())
        throw data_error(f == images_.get() ? images : labels,
                         "is gzip-compressed; streaming reads samples in shuffled order and needs an "
                         "uncompressed IDX file (gunzip it, or load it into memory with load_idx_dataset)");
    if (images_header_.item_size != input_shape::size)
      throw data_error(images, "each image is " +
                                   detail::idx_shape_text(images_header_.item_dims, images_header_.item_size) +
                                   " but the network input needs " + std::to_string(input_shape::size) + " values");
    if (images_header_.count != labels_header_.count)
      throw data_error(labels, "has " + std::to_string(labels_header_.count) + " labels but " +
                                   images.string() + " has " + std::to_string(images_header_.count) + " images");
    const auto need = images_header_.header_bytes + images_header_.count * images_header_.item_size;
    if (images_->size_on_disk() < need)
      throw data_error(images, "truncated: the header declares " + std::to_string(need) +
                                   " bytes, the file has " + std::to_string(images_->size_on_disk()));
    if (labels_->size_on_disk() < labels_header_.header_bytes + labels_header_.count)
      throw data_error(labels, "truncated: fewer labels than the header declares");
    bytes_.resize(input_shape::size);
  }

  std::size_t size() const noexcept { return images_header_.count; }

  void read(std::span<const std::size_t> rows, float* x, float* y) {
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const std::size_t i = rows[r];
      images_->seek(images_header_.header_bytes + i * input_shape::size);
      if (images_->read(bytes_.data(), bytes_.size()) != bytes_.size())
        throw data_error(images_path_, "truncated at image " + std::to_string(i));
      std::transform(bytes_.begin(), bytes_.end(), x + r * input_shape::size,
                     [](std::uint8_t v) { return static_cast<float>(v) / 255.0f; });
      std::uint8_t label = 0;
      labels_->seek(labels_header_.header_bytes + i);
      if (labels_->read(&label, 1) != 1) throw data_error(labels_path_, "truncated at label " + std::to_string(i));
      if (label >= Classes)
        throw data_error(labels_path_, "sample " + std::to_string(i) + " has label " + std::to_string(label) +
                                           ", but the network has " + std::to_string(Classes) + " classes");
      float* one_hot = y + r * Classes;
      std::fill(one_hot, one_hot + Classes, 0.0f);
      one_hot[label] = 1.0f;
    }
  }

 private:
  std::filesystem::path images_path_, labels_path_;
  std::unique_ptr<detail::idx_input> images_, labels_;
  detail::idx_header images_header_, labels_header_;
  std::vector<std::uint8_t> bytes_;
};

}  // namespace ctnn
