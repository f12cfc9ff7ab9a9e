// Twin of step_needs_sequence.fail.cpp: the same program without the mistake must compile.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<1, 8>, ctnn::dense<2>>;
int main() {
  ctnn::model<net, ctnn::loss::mean_squared_error, ctnn::optim::sgd> m;
  const float x[8] = {};
  (void)m.step(std::span<const float, 8>(x, 8));
}
