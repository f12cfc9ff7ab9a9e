// expect: error: static.assert.*failed.*ctnn::model::step: the layer at Position cannot run one time step at a time
// Twin: step_not_streaming.pass.cpp, identical but for the mistake (flatten over the time axis).
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<5, 3>, ctnn::dense<4>, ctnn::flatten, ctnn::dense<2>>;
int main() {
  ctnn::model<net, ctnn::loss::mean_squared_error, ctnn::optim::sgd> m;
  const float x[3] = {};
  (void)m.step(std::span<const float, 3>(x, 3));
}
