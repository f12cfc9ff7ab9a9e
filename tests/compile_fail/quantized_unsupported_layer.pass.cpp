// Twin of quantized_unsupported_layer.fail.cpp: the same program without the mistake must compile.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<6, 6, 1>, ctnn::flatten, ctnn::dense<2>>;
int main() {
  ctnn::model<net, ctnn::loss::mean_squared_error, ctnn::optim::sgd> m;
  ctnn::quantized<decltype(m), ctnn::int8> q(m);
  const float x[36] = {};
  (void)q.predict_one(std::span<const float, 36>(x, 36));
}
