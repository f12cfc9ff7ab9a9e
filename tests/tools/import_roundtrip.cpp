// The ONNX round trips: each header was written by tools/ctnn_import from a PyTorch model exported
// to ONNX (tests/tools/onnx_models.py, at build time), with a test vector of PyTorch's outputs
// computed in float64, which load() holds ctnn's outputs to within the float32 error bound
// ctnn_import derived (round_trip.hpp).
#include <cstdio>
#include <string>

#include "conv1d.hpp"
#include "conv_gru.hpp"
#include "lstm_gru.hpp"
#include "matmul.hpp"
#include "mlp.hpp"
#include "mlp_file.hpp"
#include "cnn_bn.hpp"
#include "resnet.hpp"
#include "rnn.hpp"

#include "round_trip.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR (where mlp_file.ctnn is)\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  bool ok = true;
  ok &= ctnn_test::round_trip<mlp::inference_model>("mlp", "PyTorch's", [](auto& m) { mlp::load(m); });
  ok &= ctnn_test::round_trip<matmul::inference_model>("matmul", "PyTorch's", [](auto& m) { matmul::load(m); });
  ok &= ctnn_test::round_trip<cnn_bn::inference_model>("cnn_bn", "PyTorch's", [](auto& m) { cnn_bn::load(m); });
  ok &= ctnn_test::round_trip<resnet::inference_model>("resnet", "PyTorch's", [](auto& m) { resnet::load(m); });
  ok &= ctnn_test::round_trip<conv1d::inference_model>("conv1d", "PyTorch's", [](auto& m) { conv1d::load(m); });
  ok &= ctnn_test::round_trip<mlp_file::inference_model>("mlp_file", "PyTorch's", [&](auto& m) { mlp_file::load(m, dir + "/mlp_file.ctnn"); });
  ok &= ctnn_test::round_trip<lstm_gru::inference_model>("lstm_gru", "PyTorch's", [](auto& m) { lstm_gru::load(m); });
  ok &= ctnn_test::round_trip<rnn::inference_model>("rnn", "PyTorch's", [](auto& m) { rnn::load(m); });
  ok &= ctnn_test::round_trip<conv_gru::inference_model>("conv_gru", "PyTorch's", [](auto& m) { conv_gru::load(m); });
  return ok ? 0 : 1;
}
