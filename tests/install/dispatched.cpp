// Compiled once per ISA level by the installed ctnn_add_dispatched (CMakeLists.txt here).
#include <ctnn/ctnn.hpp>

#include "dispatched.hpp"

namespace app::CTNN_ISA_NAMESPACE {
float sum_of_outputs(std::span<const float, 4> x) {
  static ctnn::model<app::net, ctnn::loss::categorical_crossentropy, ctnn::optim::adam> model;
  const auto y = model.predict_one(x);
  return y[0] + y[1];
}
}  // namespace app::CTNN_ISA_NAMESPACE
