"""ctnn layers for the importers: each function returns the Layer (ctnn_tools.network) for one
ctnn layer spec -- its spelling, description fields, tensors in ctnn's layout, run-time
hyperparameters -- from arguments in ctnn's (Keras') terms: channels-last shapes, Keras' kernel
layouts. The front ends (onnx_import, keras_import) only translate their format into these."""

import numpy as np

from .network import ImportError_, Layer, float_literal

# ctnn's activations as the importers name them (each its ctnn::<name> spelling and the name the
# network description gives it: swish is ctnn::silu's alias, described "silu"), and the run-time
# alpha's default where it has one
ACTIVATIONS = ("linear", "relu", "sigmoid", "tanh", "softmax", "leaky_relu", "elu", "gelu", "gelu_approximate",
               "softplus", "silu", "selu", "hard_sigmoid")
DEFAULT_ALPHA = {"leaky_relu": 0.3, "elu": 1.0}


def _option_list(items):
    return ", ".join(item for item in items if item)


def _weights(*pairs):
    return [(name, np.asarray(array, dtype=np.float32)) for name, array in pairs if array is not None]


def set_activation(layer, name, alpha=None):
    """Gives a dense or convolution layer (activation linear) its activation, as Keras' activation=."""
    if name not in ACTIVATIONS:
        raise ImportError_(f"activation {name!r} has no ctnn equivalent")
    layer.activation = name
    if alpha is not None:
        layer.attrs["alpha"] = float(alpha)
        if name in DEFAULT_ALPHA and float(alpha) != DEFAULT_ALPHA[name]:
            layer.runtime.append(("activation.alpha", float_literal(alpha)))
    layer.folded = True


def _activation_option(a):
    return f"ctnn::{a}" if a != "linear" else ""


def activation(name, shape, alpha=None):
    """An activation as a layer of its own (Keras' Activation, ReLU, ...)."""
    layer = Layer(name, shape, shape, lambda a: f"ctnn::{a}")
    set_activation(layer, name, alpha)
    layer.folded = False
    return layer


def dense(in_shape, kernel, bias=None):
    units = int(kernel.shape[1])
    if len(in_shape) != 1 or kernel.shape[0] != in_shape[0]:
        raise ImportError_(f"a dense kernel {kernel.shape} on an input of shape {in_shape}")
    layer = Layer("dense", in_shape, (units,), lambda a, b=bias is not None: "ctnn::dense<" + _option_list(
        [str(units), _activation_option(a), "" if b else "ctnn::use_bias<false>"]) + ">")
    layer.activation = "linear"
    layer.params = _weights(("kernel", kernel), ("bias", bias))
    return layer


def conv_output(size, span, stride, padding):
    """Keras' output size of one axis: valid (size - span) / stride + 1, same (and causal) ceil(size / stride)."""
    return (size + stride - 1) // stride if padding in ("same", "causal") else (size - span) // stride + 1


def same_padding(size, span, stride):
    """(before, after): what Keras' padding='same' adds on one axis (the odd one after)."""
    out = (size + stride - 1) // stride
    total = max((out - 1) * stride + span - size, 0)
    return total // 2, total - total // 2


def _window_options(kernel_or_pool, window, strides, padding, dilation, default_strides):
    dims = lambda name, v: f"ctnn::{name}<{', '.join(str(d) for d in v)}>"  # noqa: E731
    return [dims(kernel_or_pool, window),
            dims("strides", strides) if tuple(strides) != tuple(default_strides) else "",
            f"ctnn::padding::{padding}" if padding != "valid" else "",
            dims("dilation_rate", dilation) if any(d != 1 for d in dilation) else ""]


def _image_window_output(size, window, strides, padding, dilation):
    """The (height, width) a 2D window (conv2d, depthwise_conv2d) makes of an image's size."""
    return tuple(conv_output(n, (k - 1) * d + 1, s, padding) for n, k, s, d in zip(size, window, strides, dilation))


def _set_image_window(layer, window, strides, padding, dilation):
    """A 2D convolution's description fields, its activation not fused yet."""
    layer.activation = "linear"
    layer.window, layer.strides, layer.padding = tuple(window), tuple(strides), padding
    layer.dilation = tuple(dilation) if tuple(dilation) != (1, 1) else None


def conv2d(in_shape, kernel, bias=None, strides=(1, 1), padding="valid", dilation=(1, 1)):
    """kernel (kh, kw, in, out)."""
    h, w, c = in_shape
    kh, kw, cin, filters = (int(d) for d in kernel.shape)
    if cin != c:
        raise ImportError_(f"a conv2d kernel for {cin} channels on an input with {c}")
    out = _image_window_output((h, w), (kh, kw), strides, padding, dilation) + (filters,)
    options = _window_options("kernel", (kh, kw), strides, padding, dilation, (1, 1))
    layer = Layer("conv2d", in_shape, out, lambda a, b=bias is not None: "ctnn::conv2d<" + _option_list(
        [str(filters), options[0], _activation_option(a)] + options[1:] + ["" if b else "ctnn::use_bias<false>"]) + ">")
    _set_image_window(layer, (kh, kw), strides, padding, dilation)
    layer.params = _weights(("kernel", kernel), ("bias", bias))
    return layer


def depthwise_conv2d(in_shape, kernel, bias=None, strides=(1, 1), padding="valid", dilation=(1, 1)):
    """kernel (kh, kw, in, depth_multiplier): output channel c * multiplier + m."""
    h, w, c = in_shape
    kh, kw, cin, multiplier = (int(d) for d in kernel.shape)
    if cin != c:
        raise ImportError_(f"a depthwise kernel for {cin} channels on an input with {c}")
    out = _image_window_output((h, w), (kh, kw), strides, padding, dilation) + (c * multiplier,)
    options = _window_options("kernel", (kh, kw), strides, padding, dilation, (1, 1))
    layer = Layer("depthwise_conv2d", in_shape, out, lambda a, b=bias is not None: "ctnn::depthwise_conv2d<" + _option_list(
        [options[0], f"ctnn::depth_multiplier<{multiplier}>" if multiplier != 1 else "", _activation_option(a)] +
        options[1:] + ["" if b else "ctnn::use_bias<false>"]) + ">")
    _set_image_window(layer, (kh, kw), strides, padding, dilation)
    layer.depth_multiplier = multiplier
    layer.params = _weights(("kernel", kernel), ("bias", bias))
    return layer


def conv1d(in_shape, kernel, bias=None, stride=1, padding="valid", dilation=1):
    """kernel (k, in, out) on (steps, channels)."""
    steps, c = in_shape
    k, cin, filters = (int(d) for d in kernel.shape)
    if cin != c:
        raise ImportError_(f"a conv1d kernel for {cin} channels on an input with {c}")
    out = (conv_output(steps, (k - 1) * dilation + 1, stride, padding), filters)
    options = [f"ctnn::kernel<{k}>", f"ctnn::strides<{stride}>" if stride != 1 else "",
               f"ctnn::padding::{padding}" if padding != "valid" else "",
               f"ctnn::dilation_rate<{dilation}>" if dilation != 1 else ""]
    layer = Layer("conv1d", in_shape, out, lambda a, b=bias is not None: "ctnn::conv1d<" + _option_list(
        [str(filters), options[0], _activation_option(a)] + options[1:] + ["" if b else "ctnn::use_bias<false>"]) + ">")
    layer.activation = "linear"
    layer.window, layer.strides, layer.padding, layer.dilation = (k,), (stride,), padding, dilation
    layer.params = _weights(("kernel", kernel), ("bias", bias))
    return layer


def pool(kind, in_shape, window, strides):
    """max_pooling2d, average_pooling2d (window (ph, pw)) or their 1-D kinds (window (p,)), valid padding."""
    spatial, c = in_shape[:-1], in_shape[-1]
    if len(spatial) != len(window):
        raise ImportError_(f"a {len(window)}-D pool on an input of shape {in_shape}")
    out = tuple(conv_output(n, k, s, "valid") for n, k, s in zip(spatial, window, strides)) + (c,)
    if min(out) <= 0:
        raise ImportError_(f"a pool window {window} larger than its input {in_shape}")
    spelling = {"max_pooling2d": "max_pool2d", "average_pooling2d": "average_pool2d",
                "max_pooling1d": "max_pool1d", "average_pooling1d": "average_pool1d"}[kind]
    options = [f"ctnn::pool<{', '.join(str(d) for d in window)}>",
               f"ctnn::strides<{', '.join(str(d) for d in strides)}>" if tuple(strides) != tuple(window) else ""]
    layer = Layer(kind, in_shape, out, lambda a: f"ctnn::{spelling}<{_option_list(options)}>")
    layer.window, layer.strides, layer.padding = tuple(window), tuple(strides), "valid"
    return layer


def global_average_pool(in_shape):
    kind = "global_average_pooling2d" if len(in_shape) == 3 else "global_average_pooling1d"
    return Layer(kind, in_shape, (in_shape[-1],), lambda a: f"ctnn::{kind.replace('pooling', 'pool')}")


def batch_normalization(in_shape, gamma, beta, mean, variance, epsilon):
    """Keras' BatchNormalization over the last axis in inference: moving statistics as state."""
    layer = Layer("batch_normalization", in_shape, in_shape, lambda a, g=gamma is not None, b=beta is not None:
                  "ctnn::batch_normalization<" + _option_list(["" if g else "ctnn::scale<false>",
                                                               "" if b else "ctnn::center<false>"]) + ">")
    layer.params = _weights(("gamma", gamma), ("beta", beta))
    layer.state = [("moving_mean", np.asarray(mean, dtype=np.float64)),
                   ("moving_variance", np.asarray(variance, dtype=np.float64))]
    layer.attrs["epsilon"] = float(epsilon)
    if float(epsilon) != 1e-3:
        layer.runtime.append(("epsilon", repr(float(epsilon))))
    return layer


def flatten(in_shape):
    return Layer("flatten", in_shape, (int(np.prod(in_shape)),), lambda a: "ctnn::flatten")


def zero_padding2d(in_shape, top, bottom, left, right):
    h, w, c = in_shape
    layer = Layer("zero_padding2d", in_shape, (h + top + bottom, w + left + right, c),
                  lambda a: f"ctnn::zero_padding2d<{top}, {bottom}, {left}, {right}>")
    layer.padding = (top, bottom, left, right)
    return layer


def dropout(shape, rate):
    layer = Layer("dropout", shape, shape, lambda a: f"ctnn::dropout<ctnn::dropout_rate{{{float(rate)!r}}}>")
    layer.rate = int(float(rate) * 1e6 + 0.5)
    return layer


# ctnn's recurrent layers and their gate counts
RECURRENT = {"simple_rnn": 1, "lstm": 4, "gru": 3}
# A recurrent cell keeps its activations' outputs only, so ctnn takes those whose derivative
# follows from the output (include/ctnn/layers/detail/recurrent_layer.hpp)
RECURRENT_ACTIVATIONS = ("linear", "relu", "sigmoid", "tanh", "elu", "selu", "softplus", "hard_sigmoid", "leaky_relu")


def gate_blocks(rows, order):
    """A recurrent weight's (gates * units, ...) rows, its gate blocks in the given order (the
    source framework's block index of each Keras gate: PyTorch's and ONNX's orders to Keras')."""
    units = rows.shape[0] // len(order)
    return np.concatenate([rows[g * units:(g + 1) * units] for g in order], axis=0)


def recurrent(kind, in_shape, kernel, recurrent_kernel, bias=None, activation="tanh", recurrent_activation="sigmoid",
              return_sequences=False, go_backwards=False, reset_after=True):
    """ctnn::simple_rnn, ctnn::lstm or ctnn::gru (Keras' SimpleRNN, LSTM, GRU) on (steps, features).
    kernel (features, gates U), recurrent_kernel (U, gates U), the gate blocks in Keras' order (LSTM
    i, f, c, o; GRU z, r, h); bias (gates U), or a reset_after GRU's (2, 3 U): the input bias, then
    the recurrent one. The initial state is zeros, as Keras'; the layer streams (carries h, and
    the LSTM's c, between model::step calls) unless go_backwards."""
    gates = RECURRENT[kind]
    if len(in_shape) != 2:
        raise ImportError_(f"a {kind} needs a sequence input (steps, features), receives {in_shape}; a recurrent "
                           "layer before it needs return_sequences=True")
    steps, features = in_shape
    units = int(recurrent_kernel.shape[0])
    if tuple(kernel.shape) != (features, gates * units) or tuple(recurrent_kernel.shape) != (units, gates * units):
        raise ImportError_(f"a {kind} kernel {tuple(kernel.shape)} and recurrent kernel "
                           f"{tuple(recurrent_kernel.shape)} on {features} features")
    for what, name in (("activation", activation), ("recurrent_activation", recurrent_activation)):
        if name not in RECURRENT_ACTIVATIONS and (what == "activation" or gates > 1):
            raise ImportError_(f"{what} {name!r}: ctnn's recurrent cells take {', '.join(RECURRENT_ACTIVATIONS)} "
                               "(activations whose derivative follows from their output)")
    reset_after = bool(reset_after) if kind == "gru" else True
    bias_shape = (2, gates * units) if kind == "gru" and reset_after else (gates * units,)
    if bias is not None and tuple(bias.shape) != bias_shape:
        raise ImportError_(f"a {kind} bias {tuple(bias.shape)} for {units} units; expected {bias_shape}")
    options = [str(units), f"ctnn::{activation}" if activation != "tanh" else "",
               f"ctnn::recurrent_activation<ctnn::{recurrent_activation}>"
               if gates > 1 and recurrent_activation != "sigmoid" else "",
               "ctnn::return_sequences<true>" if return_sequences else "",
               "ctnn::go_backwards<true>" if go_backwards else "",
               "ctnn::reset_after<false>" if not reset_after else ""]
    layer = Layer(kind, in_shape, (steps, units) if return_sequences else (units,),
                  lambda a, b=bias is not None: f"ctnn::{kind}<" + _option_list(
                      options + ["" if b else "ctnn::use_bias<false>"]) + ">")
    layer.activation = activation
    if gates > 1:
        layer.words.append(("recurrent_activation", recurrent_activation))
    if return_sequences:
        layer.words.append(("return_sequences", "true"))
    if go_backwards:
        layer.words.append(("go_backwards", "true"))
    if not reset_after:
        layer.words.append(("reset_after", "false"))
    layer.params = _weights(("kernel", kernel), ("recurrent_kernel", recurrent_kernel), ("bias", bias))
    layer.attrs.update(units=units, recurrent_activation=recurrent_activation, return_sequences=bool(return_sequences),
                       go_backwards=bool(go_backwards), reset_after=reset_after)
    layer.streaming_state = 0 if go_backwards else (2 * units if kind == "lstm" else units)  # h (and the LSTM's c)
    return layer
