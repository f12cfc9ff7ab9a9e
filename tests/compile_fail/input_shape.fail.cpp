// expect: error: static.assert.*failed.*ctnn::model: the input samples' shape GivenInputShape differs
// Twin: input_shape.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<784>, ctnn::dense<10, ctnn::softmax>>;
void train(ctnn::model<net, ctnn::loss::categorical_crossentropy, ctnn::optim::sgd>& m,
           const ctnn::samples<28, 28, 1>& x, const ctnn::samples<10>& y) { m.fit(x, y); }
int main() {}
