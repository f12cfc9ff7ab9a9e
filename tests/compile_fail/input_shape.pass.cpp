// Twin of input_shape.fail.cpp: the same program without the mistake must compile.
#include <ctnn/ctnn.hpp>

using net = ctnn::sequential<ctnn::input<784>, ctnn::dense<10, ctnn::softmax>>;
void train(ctnn::model<net, ctnn::loss::categorical_crossentropy, ctnn::optim::sgd>& m,
           const ctnn::samples<784>& x, const ctnn::samples<10>& y) { m.fit(x, y); }
int main() {}
