#pragma once
#include <cstddef>
#include <vector>

namespace ctnn {

// What fit() returns, as Keras' History.history: one entry per epoch trained.
struct history {
  std::vector<std::size_t> epoch;  // 0-based, as Keras
  std::vector<double> loss;
  std::vector<double> accuracy;
};

}  // namespace ctnn
