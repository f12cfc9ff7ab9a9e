#pragma once
// ctnn::to_categorical<Classes>: class labels to one-hot rows (Keras' to_categorical), the
// target form categorical cross-entropy compares a softmax output with. Classes is a template
// parameter so the result's shape can be checked against the network's output at compile time.
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "../core/samples.hpp"

namespace ctnn {

// Throws std::invalid_argument for a label >= Classes: a silently dropped or wrapped label
// would train the network on the wrong class.
template <std::size_t Classes>
samples<Classes> to_categorical(std::span<const std::uint8_t> labels) {
  samples<Classes> out(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] >= Classes)
      throw std::invalid_argument("ctnn::to_categorical<" + std::to_string(Classes) + ">: sample " +
                                  std::to_string(i) + " has label " + std::to_string(labels[i]) +
                                  ", but there are only " + std::to_string(Classes) +
                                  " classes (labels 0 to " + std::to_string(Classes - 1) + ")");
    out[i][labels[i]] = 1.0f;
  }
  return out;
}

template <std::size_t Classes>
samples<Classes> to_categorical(const std::vector<std::uint8_t>& labels) {
  return to_categorical<Classes>(std::span<const std::uint8_t>(labels));
}

}  // namespace ctnn
