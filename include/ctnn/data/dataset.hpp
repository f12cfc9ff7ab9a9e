#pragma once
// The dataset concept: where fit/evaluate pull batches from (Keras' generators and
// tf.data). A dataset knows how many samples it has and copies any of them, by index, into
// contiguous batch buffers; it need not hold them in memory (ctnn::idx_dataset streams from
// disk). fit() shuffles indices itself, with the model's seed, so a dataset is fed the same
// samples in the same order whether it lives in memory or on disk.
#include <concepts>
#include <cstddef>
#include <span>

#include "../core/shape.hpp"

namespace ctnn {

template <class D>
concept dataset = requires(D& d, std::span<const std::size_t> rows, float* x, float* y) {
  requires shape_type<typename D::input_shape>;
  requires shape_type<typename D::label_shape>;
  { d.size() } -> std::convertible_to<std::size_t>;
  // Copies samples rows[0], rows[1], ... into x (rows.size() x input_shape::size) and their
  // labels into y (rows.size() x label_shape::size).
  d.read(rows, x, y);
};

}  // namespace ctnn
