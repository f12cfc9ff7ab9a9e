// expect: error: static.assert.*failed.*ctnn::model: the labels' shape GivenLabelShape differs from LabelShape
// Twin: label_width.pass.cpp, identical but for the mistake.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<4>, ctnn::dense<10, ctnn::softmax>>;
void train(ctnn::model<net, ctnn::loss::categorical_crossentropy, ctnn::optim::sgd>& m,
           const ctnn::samples<4>& x, const ctnn::samples<5>& y) { m.fit(x, y); }
int main() {}
