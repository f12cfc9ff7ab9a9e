// expect: error: static.assert.*failed.*ctnn::model::step: the network's input InputShape is not a sequence
// Twin: step_needs_sequence.pass.cpp, identical but for the mistake (an input of rank 1).
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<8>, ctnn::dense<2>>;
int main() {
  ctnn::model<net, ctnn::loss::mean_squared_error, ctnn::optim::sgd> m;
  const float x[8] = {};
  (void)m.step(std::span<const float, 8>(x, 8));
}
