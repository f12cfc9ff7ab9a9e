#pragma once
#include <cstddef>
#include <iostream>
#include <ostream>

namespace ctnn {

// fit()'s keyword arguments, with Keras' defaults.
struct fit_options {
  std::size_t epochs = 1;
  std::size_t batch_size = 32;
  bool shuffle = true;               // reshuffled every epoch from the model's seed
  int verbose = 1;                   // 0 silent, 1 progress bar, 2 one line per epoch
  std::ostream* output = &std::cout;  // where progress goes
};

// evaluate()'s keyword arguments.
struct evaluate_options {
  std::size_t batch_size = 32;
};

// What evaluate() returns: `auto [loss, accuracy] = model.evaluate(x, y);`
struct evaluation {
  double loss;
  double accuracy;
};

}  // namespace ctnn
