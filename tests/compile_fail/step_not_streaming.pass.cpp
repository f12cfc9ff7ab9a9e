// Twin of step_not_streaming.fail.cpp: the same program without the mistake must compile.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<5, 3>, ctnn::dense<4>, ctnn::dense<2>>;
int main() {
  ctnn::model<net, ctnn::loss::mean_squared_error, ctnn::optim::sgd> m;
  const float x[3] = {};
  (void)m.step(std::span<const float, 3>(x, 3));
}
