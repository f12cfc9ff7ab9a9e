#pragma once
// ctnn::int8: ctnn::quantized's precision with Keras 3's int8 semantics (Layer.quantize("int8"),
// Dense._int8_call): each dense layer's kernel is quantized once per output unit,
// scale = 127 / (max |W[:, j]| + 1e-7), Q = clip(round(W * scale), -127, 127); each input sample
// is quantized when it arrives, the same way over its features (keras.quantizers.AbsMaxQuantizer
// on the last axis: dynamic, per sample, so no calibration dataset); the int8 product is summed
// exactly in int32 and the result de-scaled, y = f(acc / (x_scale * kernel_scale) + b), bias and
// activation in float32. Rounding is to nearest, ties to even (ops.round).
#include <string_view>

namespace ctnn {

struct int8 {
  static constexpr std::string_view name = "int8";
};

}  // namespace ctnn
