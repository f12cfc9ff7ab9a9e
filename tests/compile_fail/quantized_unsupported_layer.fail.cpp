// expect: error: static.assert.*failed.*ctnn::quantized: the layer at Position has parameters or state but no reduced-precision form
// Twin: quantized_unsupported_layer.pass.cpp, identical but for the mistake (a convolution, which
// has no int8 form yet, where the twin flattens the image into dense layers).
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<6, 6, 1>, ctnn::conv2d<2, ctnn::kernel<3, 3>>, ctnn::flatten, ctnn::dense<2>>;
int main() {
  ctnn::model<net, ctnn::loss::mean_squared_error, ctnn::optim::sgd> m;
  ctnn::quantized<decltype(m), ctnn::int8> q(m);
  const float x[36] = {};
  (void)q.predict_one(std::span<const float, 36>(x, 36));
}
