// The Keras round trips: each header was written by tools/ctnn_import from a Keras model that
// TensorFlow.js made and saved (model.json and its weight shards; tests/tools/keras_models.py, at
// build time), with a test vector of TensorFlow.js' outputs computed in float32, which load()
// holds ctnn's outputs to within the float32 error scale ctnn_import derived (round_trip.hpp).

#include "cnn.hpp"
#include "conv1d.hpp"
#include "conv_misc.hpp"
#include "mlp.hpp"
#include "resnet.hpp"
#include "rnn.hpp"

#include "round_trip.hpp"

int main() {
  bool ok = true;
  ok &= ctnn_test::round_trip<keras_mlp::inference_model>("mlp", "TensorFlow.js'", [](auto& m) { keras_mlp::load(m); });
  ok &= ctnn_test::round_trip<keras_cnn::inference_model>("cnn", "TensorFlow.js'", [](auto& m) { keras_cnn::load(m); });
  ok &= ctnn_test::round_trip<keras_resnet::inference_model>("resnet", "TensorFlow.js'", [](auto& m) { keras_resnet::load(m); });
  ok &= ctnn_test::round_trip<keras_conv_misc::inference_model>("conv_misc", "TensorFlow.js'", [](auto& m) { keras_conv_misc::load(m); });
  ok &= ctnn_test::round_trip<keras_conv1d::inference_model>("conv1d", "TensorFlow.js'", [](auto& m) { keras_conv1d::load(m); });
  ok &= ctnn_test::round_trip<keras_rnn::inference_model>("rnn", "TensorFlow.js'", [](auto& m) { keras_rnn::load(m); });
  return ok ? 0 : 1;
}
