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
  double validation_split = 0.0;     // the last fraction of the data, held out before shuffling
  std::size_t initial_epoch = 0;     // epoch to start at (resuming a run); epochs is the last
  // Threads the training's large matrix products may use: 0 = all hardware threads (OpenMP's
  // default team size), 1 = none. Has an effect only in programs compiled with OpenMP; results
  // are bit-identical for every value.
  std::size_t threads = 0;
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
