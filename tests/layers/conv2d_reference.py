#!/usr/bin/env python3
"""Reference values for ctnn's 2D convolutions that Keras 3 takes with a dilation or works channel
by channel: Conv2D with dilation_rate, DepthwiseConv2D and SeparableConv2D, computed with PyTorch
in float64 the way Keras 3 defines them (keras/src/layers/convolutional/base_conv.py,
base_depthwise_conv.py, base_separable_conv.py; the TensorFlow backend's tf.nn.convolution,
tf.nn.depthwise_conv2d and tf.nn.separable_conv2d). Writes tests/layers/conv2d_reference.inc,
which tests/layers/conv2d_reference.hpp includes; CTest runs this script with --check to make
sure the checked-in file is what it writes.

Keras' conventions, channels last (height, width, channels), per spatial axis with kernel K,
stride S, dilation D and effective kernel E = D (K - 1) + 1:
  valid:  no padding, out = (in - E) // S + 1
  same:   out = ceil(in / S), pad_total = max((out - 1) S + E - in, 0), pad_total // 2 before and
          the rest after (TensorFlow's split, done here with an explicit pad)
  Conv2D:          kernel (K_h, K_w, channels, filters), bias (filters)
  DepthwiseConv2D: kernel (K_h, K_w, channels, M), bias (channels M); output channel c M + m is
                   input channel c through kernel[..., c, m] (torch: groups=channels, weight
                   (channels M, 1, K_h, K_w), whose output channel c M + m is also group c's m-th)
  SeparableConv2D: depthwise_kernel (K_h, K_w, channels, M) without a bias, then
                   pointwise_kernel (1, 1, channels M, filters) and bias (filters); strides,
                   padding and dilation are the depthwise step's
Inputs and weights are multiples of 1/64 in [-1, 1], exact in float32; every case is small
enough that ctnn's float sums are exact too (see the C++ tests), so they compare for equality.
"""
import os
import sys


def values(count, seed):
    """count multiples of 1/64 in [-1, 1], a fixed pattern (no generator to keep in step)."""
    return [((i * 37 + seed * 11 + 5) % 129 - 64) / 64.0 for i in range(count)]


def cases():
    """(name, layer, n, height, width, channels, multiplier, filters, (kh, kw), (sh, sw), (dh, dw),
    padding, use_bias); multiplier is 0 for conv2d, filters 0 for depthwise."""
    return [
        ("conv2d_valid_dilation_2x3", "conv2d", 2, 8, 7, 2, 0, 3, (3, 2), (1, 1), (2, 3), "valid", True),
        ("conv2d_same_dilation_2_even_kernel", "conv2d", 1, 6, 9, 2, 0, 2, (2, 4), (1, 1), (2, 2), "same", True),
        ("conv2d_same_dilation_3x1_short_input", "conv2d", 2, 4, 5, 1, 0, 2, (3, 3), (1, 1), (3, 1), "same", True),
        ("depthwise_valid", "depthwise", 2, 5, 5, 3, 1, 0, (3, 3), (1, 1), (1, 1), "valid", True),
        ("depthwise_same_multiplier_2", "depthwise", 2, 5, 6, 2, 2, 0, (3, 2), (1, 1), (1, 1), "same", True),
        ("depthwise_same_stride_2_multiplier_3", "depthwise", 1, 7, 6, 2, 3, 0, (4, 3), (2, 2), (1, 1), "same", True),
        ("depthwise_valid_stride_2x1", "depthwise", 2, 7, 5, 2, 1, 0, (3, 3), (2, 1), (1, 1), "valid", True),
        ("depthwise_same_dilation_2", "depthwise", 1, 6, 7, 2, 2, 0, (3, 3), (1, 1), (2, 2), "same", True),
        ("depthwise_valid_dilation_1x2_no_bias", "depthwise", 2, 5, 7, 3, 1, 0, (2, 3), (1, 1), (1, 2), "valid", False),
        ("separable_valid", "separable", 2, 5, 5, 2, 1, 3, (3, 3), (1, 1), (1, 1), "valid", True),
        ("separable_same_multiplier_2", "separable", 2, 5, 6, 2, 2, 3, (3, 2), (1, 1), (1, 1), "same", True),
        ("separable_same_stride_2", "separable", 1, 7, 7, 3, 1, 4, (3, 3), (2, 2), (1, 1), "same", True),
        ("separable_same_dilation_2", "separable", 1, 7, 6, 2, 2, 2, (3, 3), (1, 1), (2, 2), "same", True),
        ("separable_valid_no_bias", "separable", 1, 4, 4, 2, 1, 2, (2, 2), (1, 1), (1, 1), "valid", False),
    ]


def keras_padding(size, kernel, stride, dilation, padding):
    span = dilation * (kernel - 1) + 1
    if padding == "valid":
        return 0, 0
    out = (size + stride - 1) // stride
    total = max((out - 1) * stride + span - size, 0)
    return total // 2, total - total // 2


def compute(torch, case):
    name, layer, n, h, w, c, m, f, (kh, kw), (sh, sw), (dh, dw), padding, use_bias = case
    F = torch.nn.functional
    t = lambda v: torch.tensor(v, dtype=torch.float64)
    x = values(n * h * w * c, 1)
    xt = t(x).reshape(n, h, w, c).permute(0, 3, 1, 2)
    top, bottom = keras_padding(h, kh, sh, dh, padding)
    left, right = keras_padding(w, kw, sw, dw, padding)
    xt = F.pad(xt, (left, right, top, bottom))
    out = {}
    if layer == "conv2d":
        kernel = values(kh * kw * c * f, 2)
        bias = values(f, 3) if use_bias else []
        wt = t(kernel).reshape(kh, kw, c, f).permute(3, 2, 0, 1)
        y = F.conv2d(xt, wt, t(bias) if use_bias else None, stride=(sh, sw), dilation=(dh, dw))
        out["kernel"] = kernel
    else:
        kernel = values(kh * kw * c * m, 2)
        dt = t(kernel).reshape(kh, kw, c, m).permute(2, 3, 0, 1).reshape(c * m, 1, kh, kw)
        out["kernel"] = kernel
        if layer == "depthwise":
            bias = values(c * m, 3) if use_bias else []
            y = F.conv2d(xt, dt, t(bias) if use_bias else None, stride=(sh, sw), dilation=(dh, dw), groups=c)
        else:
            pointwise = values(c * m * f, 4)
            bias = values(f, 3) if use_bias else []
            middle = F.conv2d(xt, dt, None, stride=(sh, sw), dilation=(dh, dw), groups=c)
            pt = t(pointwise).reshape(1, 1, c * m, f).permute(3, 2, 0, 1)
            y = F.conv2d(middle, pt, t(bias) if use_bias else None)
            out["pointwise_kernel"] = pointwise
    out["x"] = x
    out["bias"] = bias
    out["y"] = y.permute(0, 2, 3, 1).reshape(-1).tolist()
    return out


def render(torch):
    num = lambda v: repr(float(v))
    row = lambda vs: ", ".join(num(v) for v in vs) if vs else "0.0"
    lines = ["// Generated by tests/layers/conv2d_reference.py: Keras 3's Conv2D (dilated), DepthwiseConv2D and",
             "// SeparableConv2D computed with PyTorch in float64. Do not edit; run the script.",
             "// Included by tests/layers/conv2d_reference.hpp. Each case: its hyperparameters, x (n, height,",
             "// width, channels), the weights in Keras' layout, y (n, out_h, out_w, out_channels).",
             ""]
    names = {"conv2d": [], "depthwise": [], "separable": []}
    for case in cases():
        name, layer, n, h, w, c, m, f, (kh, kw), (sh, sw), (dh, dw), padding, use_bias = case
        v = compute(torch, case)
        names[layer].append(name)
        lines.append(f"struct {name} {{")
        lines.append(f'  static constexpr const char* name = "{name}";')
        lines.append(f"  static constexpr std::size_t n = {n}, height = {h}, width = {w}, channels = {c}, multiplier = {m},"
                     f" filters = {f};")
        lines.append(f"  static constexpr std::size_t kernel_h = {kh}, kernel_w = {kw}, stride_h = {sh}, stride_w = {sw},"
                     f" dilation_h = {dh}, dilation_w = {dw};")
        lines.append(f"  static constexpr bool same = {'true' if padding == 'same' else 'false'},"
                     f" use_bias = {'true' if use_bias else 'false'};")
        lines.append(f"  static constexpr float x[] = {{{row(v['x'])}}};")
        label = "depthwise_kernel" if layer == "separable" else "kernel"
        lines.append(f"  static constexpr float {label}[] = {{{row(v['kernel'])}}};")
        if layer == "separable":
            lines.append(f"  static constexpr float pointwise_kernel[] = {{{row(v['pointwise_kernel'])}}};")
        lines.append(f"  static constexpr float bias[] = {{{row(v['bias'])}}};  // a 0 alone without a bias")
        lines.append(f"  static constexpr double y[] = {{{row(v['y'])}}};")
        lines.append("};")
        lines.append("")
    for layer, listed in names.items():
        lines.append(f"using {layer}_cases = std::tuple<{', '.join(listed)}>;")
    lines.append("")
    return "\n".join(lines)


def main():
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    from torch_python import reference_main
    return reference_main(__file__, "conv2d_reference.inc", lambda torch, np: render(torch))


if __name__ == "__main__":
    sys.exit(main())
