#pragma once
// ctnn::bf16: ctnn::quantized's precision that stores each dense layer's kernel in bfloat16
// (float32's upper 16 bits, rounded to nearest, ties to even) and computes in float32: the
// inputs, the sums, the bias and the activation stay float32, as under Keras' "mixed_bfloat16"
// policy's float32 accumulation, with the weights' bytes halved. (No calibration data.)
#include <string_view>

namespace ctnn {

struct bf16 {
  static constexpr std::string_view name = "bf16";
};

}  // namespace ctnn
