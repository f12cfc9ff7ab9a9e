#include <ctnn/ctnn.hpp>

#include "dispatched.hpp"

int main() {
  ctnn::model<app::net, ctnn::loss::categorical_crossentropy, ctnn::optim::adam> model;
  const std::array<float, 4> x{1, 2, 3, 4};
  const auto y = model.predict_one(x);
  // The same network through the package's ctnn_add_dispatched: a softmax sums to 1 there too.
  using namespace app;
  const ctnn::dispatched<float(std::span<const float, 4>)> sum{CTNN_ISA_VARIANTS(sum_of_outputs)};
  const float s = sum(x);
  return (y[0] + y[1] > 0.99f && y[0] + y[1] < 1.01f && s > 0.99f && s < 1.01f) ? 0 : 1;
}
