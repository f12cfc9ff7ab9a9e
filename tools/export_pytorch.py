#!/usr/bin/env python3
"""Export a PyTorch nn.Sequential to a ctnn weight file, and print the ctnn network type.

    python3 tools/export_pytorch.py model.pt model.ctnn --input-shape 1,28,28

model.pt is a whole pickled module (torch.save(model, "model.pt")); --input-shape is the shape
of one sample as PyTorch sees it (C,H,W for images, F for vectors, T,F for a batch_first
recurrent module's sequence, C,L for a Conv1d's). The output file is in
ctnn's weight format (docs/format.md), with a test vector -- random inputs and what the PyTorch
model (evaluated in float64) outputs for them -- that ctnn::load checks, so weights loaded into
the wrong type, with a forgotten run-time hyperparameter or in the wrong layout are refused.
The C++ type to compile is printed on stdout.

Supported modules: Linear, Conv2d, MaxPool2d, AvgPool2d, Conv1d, MaxPool1d, AvgPool1d, Flatten,
Dropout, ReLU, Sigmoid, Tanh, Softmax, LeakyReLU, ELU (and Identity, skipped), and LSTM, GRU and
RNN (tanh or relu) wrapped in Recurrent. An activation module that directly follows a Linear,
Conv2d or Conv1d becomes that layer's activation (ctnn::dense<64, ctnn::relu>). Layouts are
converted to ctnn's (Keras'): a Linear weight (out, in) becomes a dense kernel (in, out); a
Conv2d weight (out, in, kh, kw) becomes a conv2d kernel (kh, kw, in, out), channels last, and a
Conv1d weight (out, in, k) a conv1d kernel (k, in, out) on (L, C) sequences; and because
PyTorch flattens (C, H, W) and (C, L) while ctnn flattens (H, W, C) and (L, C), the columns of
the Linear after such a Flatten are permuted to match.

Recurrent modules. nn.LSTM, nn.GRU and nn.RNN return (output, state), which an nn.Sequential
cannot pass on, so each is wrapped in this module's Recurrent, Keras' layer in PyTorch:

    from export_pytorch import Recurrent        # tools/ on sys.path
    model = nn.Sequential(Recurrent(nn.LSTM(5, 32, batch_first=True), return_sequences=True),
                          Recurrent(nn.GRU(32, 16, batch_first=True)),   # its last step, out[:, -1]
                          nn.Linear(16, 10))

Recurrent(rnn, return_sequences=False) returns out[:, -1], the last step (N, U); with
return_sequences=True all of out (N, T, U), for a recurrent module or a Flatten after it. Any
module with the same layout (its only child `rnn`, a bool `return_sequences`) and forward is
taken as one; the test vector refuses a different forward. One layer, unidirectional,
batch_first=True, no proj_size; anything else is refused. The weights: weight_ih (k U, F)
becomes the kernel (F, k U) and weight_hh (k U, U) the recurrent_kernel (U, k U), with the gate
blocks in Keras' order: the LSTM's i, f, g, o are Keras' i, f, c, o; the GRU's r, z, n become
z, r, h. The LSTM's and RNN's bias is b_ih + b_hh; PyTorch's GRU is Keras' reset_after=True
(b_hn stays inside r * (h W_hn + b_hn)), so its bias is (2, 3 U): [b_ih; b_hh], reordered. The
file also holds each recurrent layer's streaming state, zeros (a fresh stream), as ctnn::load
expects. A Conv1d's (C, L) output cannot feed a recurrent module (an nn.Sequential has no
transpose) and is refused there.

As a module, export() does the same from Python and returns the description, the fingerprint
and the C++ snippet; write_weights()/read_weights() read and write the format itself and
describe()/fingerprint() compute the network description ctnn computes at compile time.
"""

import argparse
import copy
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
from ctnn_tools.network import ImportError_ as ExportError  # noqa: E402
from ctnn_tools.network import Layer, cpp_type as _cpp_type, describe, fingerprint, float_literal as _float_literal  # noqa: E402,F401
from ctnn_tools.network import names as layer_names, runtime_statements, tensors as _tensors  # noqa: E402
from ctnn_tools.weight_file import read_weights, write_weights  # noqa: E402,F401
from ctnn_tools import layers as _layers  # noqa: E402


# ---- Converting a PyTorch model ----

try:
    import torch.nn as _nn
except ImportError:  # reading and writing weight files needs no torch
    _nn = None

if _nn is not None:
    class Recurrent(_nn.Module):
        """nn.LSTM, nn.GRU or nn.RNN as one layer of an nn.Sequential, as Keras has it: the whole
        output sequence (N, T, U) with return_sequences=True, else its last step (N, U); the final
        state is dropped. The exporter recognizes the layout (a module whose only child is `rnn`,
        an nn.LSTM/GRU/RNN, and with a bool `return_sequences`), so a class of your own with the
        same layout and forward exports too; the test vector catches a different forward."""

        def __init__(self, rnn, return_sequences=False):
            super().__init__()
            self.rnn = rnn
            self.return_sequences = bool(return_sequences)

        def forward(self, x):
            out, _ = self.rnn(x)
            return out if self.return_sequences else out[:, -1]

# torch's module -> (ctnn kind and spelling, torch's gate blocks in Keras' order). torch
# orders the LSTM's gates i, f, g, o as Keras does i, f, c, o; the GRU's r, z, n where Keras has
# z, r, h.
_RECURRENT = {"LSTM": ("lstm", (0, 1, 2, 3)), "GRU": ("gru", (1, 0, 2)), "RNN": ("simple_rnn", (0,))}


def _recurrent_parts(module):
    """(rnn, return_sequences) when module has the layout of Recurrent, else None."""
    rnn = getattr(module, "rnn", None)
    flag = getattr(module, "return_sequences", None)
    children = list(module.named_children())
    if type(rnn).__name__ in _RECURRENT and isinstance(flag, bool) and len(children) == 1 and children[0][0] == "rnn":
        return rnn, flag
    return None


def _recurrent(rnn, return_sequences, shape, where):
    """The ctnn layer for an nn.LSTM, nn.GRU or nn.RNN on a (steps, features) input."""
    torch_name = type(rnn).__name__
    kind, order = _RECURRENT[torch_name]
    if len(shape) != 2:
        raise ExportError(f"{where}: an {torch_name} needs a sequence input (steps, features) but receives {shape}; "
                          "a recurrent layer before it needs return_sequences=True")
    unsupported = [what for what, bad in (
        (f"num_layers={rnn.num_layers} (stack Recurrent modules instead)", rnn.num_layers != 1),
        ("bidirectional=True", rnn.bidirectional),
        ("batch_first=False (ctnn's samples are (steps, features))", not rnn.batch_first),
        (f"proj_size={getattr(rnn, 'proj_size', 0)}", getattr(rnn, "proj_size", 0) != 0)) if bad]
    if unsupported:
        raise ExportError(f"{where}: {torch_name} with {', '.join(unsupported)} has no ctnn equivalent")
    if rnn.input_size != shape[1]:
        raise ExportError(f"{where}: input_size {rnn.input_size}, but the input has {shape[1]} features")
    has_bias = rnn.bias
    activation = "tanh"
    if torch_name == "RNN":
        activation = {"RNN_TANH": "tanh", "RNN_RELU": "relu"}[rnn.mode]

    def tensor(name):
        return getattr(rnn, name).detach().cpu().double().numpy()

    bias = None
    if has_bias:
        b_ih, b_hh = _layers.gate_blocks(tensor("bias_ih_l0"), order), _layers.gate_blocks(tensor("bias_hh_l0"), order)
        # torch's GRU is Keras' reset_after=True: b_hn stays inside r * (h U_n + b_hn), so the two
        # biases stay apart, as Keras' (2, 3 U) bias: [input bias; recurrent bias]. The LSTM's
        # and RNN's are added to the same pre-activation.
        import numpy as np
        bias = np.stack([b_ih, b_hh]) if kind == "gru" else b_ih + b_hh
    layer = _layers.recurrent(kind, shape, _layers.gate_blocks(tensor("weight_ih_l0"), order).T,
                              _layers.gate_blocks(tensor("weight_hh_l0"), order).T, bias, activation,
                              return_sequences=return_sequences)
    return layer, layer.out_shape


_ACTIVATIONS = {"ReLU": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh", "Softmax": "softmax",
                "LeakyReLU": "leaky_relu", "ELU": "elu"}
_CTNN_DEFAULT_ALPHA = {"leaky_relu": 0.3, "elu": 1.0}


def _pair(v):
    return (int(v[0]), int(v[1])) if isinstance(v, (tuple, list)) else (int(v), int(v))


def _activation(module, shape, where, channels_first=False):
    """(ctnn name, run-time hyperparameter (member, C++ literal) or None) for an activation module."""
    name = _ACTIVATIONS[type(module).__name__]
    if name == "softmax":
        # ctnn's softmax works on the last axis: features, or channels (channels last).
        ok = {1: (None, 1, -1), 2: (1, -2) if channels_first else (2, -1), 3: (None, 1, -3)}[len(shape)]
        if module.dim not in ok:
            raise ExportError(f"{where}: Softmax(dim={module.dim}) on a sample of shape {shape}: ctnn's softmax "
                              "works on the features (or channels) only")
    statement = None
    if name in _CTNN_DEFAULT_ALPHA:
        alpha = float(module.negative_slope if name == "leaky_relu" else module.alpha)
        if alpha != _CTNN_DEFAULT_ALPHA[name]:
            statement = ("activation.alpha", _float_literal(alpha))
    return name, statement


def convert(model, input_shape):
    """(ctnn input shape, [Layer]) for a PyTorch nn.Sequential and a per-sample input shape."""
    import torch.nn as nn

    if not isinstance(model, nn.Sequential):
        raise ExportError(f"expected a torch.nn.Sequential, got {type(model).__name__}")
    torch_shape = tuple(int(d) for d in input_shape)
    if len(torch_shape) == 3:
        shape = (torch_shape[1], torch_shape[2], torch_shape[0])  # (C, H, W) -> (H, W, C)
    elif len(torch_shape) == 2 and _channels_first_sequence(model):
        shape = (torch_shape[1], torch_shape[0])  # Conv1d's (C, L) -> (L, C)
    elif len(torch_shape) in (1, 2):
        shape = torch_shape  # (features,), or a sequence (steps, features) as batch_first modules see it
    else:
        raise ExportError(f"input shape {torch_shape}: expected (features,), (steps, features) or "
                          "(channels, height, width)")
    ctnn_input = shape
    layers = []
    chw = None  # (C, H, W) or (C, L) when the current vector is flattened in PyTorch's channels-first order
    channels_first = len(torch_shape) == 2 and _channels_first_sequence(model)  # a sequence that torch holds as (C, L)
    modules = list(model.children())
    for index, module in enumerate(modules):
        where = f"module {index} ({type(module).__name__})"
        name = type(module).__name__
        if name == "Identity":
            continue
        if name in _RECURRENT:
            raise ExportError(f"{where}: an {name} returns (output, state), which an nn.Sequential cannot pass on; "
                              f"wrap it: export_pytorch.Recurrent(nn.{name}(...), return_sequences=False or True)")
        recurrent = _recurrent_parts(module)
        if recurrent is not None:
            if channels_first:
                raise ExportError(f"{where}: receives a Conv1d's (channels, steps); a recurrent module needs (steps, "
                                  "features), and an nn.Sequential has no module that transposes them")
            layer, shape = _recurrent(*recurrent, shape, f"{where}, its {type(recurrent[0]).__name__}")
            layers.append(layer)
            continue
        if name in _ACTIVATIONS:
            activation, statement = _activation(module, shape, where, channels_first)
            previous = layers[-1] if layers else None
            if previous is not None and previous.kind in ("dense", "conv2d", "conv1d") and not previous.folded \
                    and previous.activation == "linear" and _directly_follows(modules, index):
                previous.activation, previous.folded = activation, True
                if statement:
                    previous.runtime.append(statement)
            else:
                layer = Layer(activation, shape, shape, lambda a, n=activation: f"ctnn::{n}")
                layer.activation = activation
                if statement:
                    layer.runtime.append(statement)
                layers.append(layer)
            continue
        if name == "Linear":
            if len(shape) != 1:
                raise ExportError(f"{where}: a Linear needs a flat input but receives {shape}; add nn.Flatten()")
            if module.in_features != shape[0]:
                raise ExportError(f"{where}: in_features {module.in_features}, but the input has {shape[0]}")
            w = module.weight.detach().cpu().double().numpy()  # (out, in)
            if chw is not None:  # columns in PyTorch's (C, ...) order -> ctnn's (..., C)
                w = w.reshape((w.shape[0],) + chw).transpose((0,) + tuple(range(2, len(chw) + 1)) + (1,))
                w = w.reshape(w.shape[0], -1)
                chw = None
            units = module.out_features
            has_bias = module.bias is not None
            layer = Layer("dense", shape, (units,),
                          lambda a, u=units, b=has_bias: "ctnn::dense<" + ", ".join(
                              [str(u)] + ([f"ctnn::{a}"] if a != "linear" else []) +
                              ([] if b else ["ctnn::use_bias<false>"])) + ">")
            layer.activation = "linear"
            layer.params.append(("kernel", w.T.astype("float32")))
            if has_bias:
                layer.params.append(("bias", module.bias.detach().cpu().double().numpy().astype("float32")))
            layers.append(layer)
            shape = (units,)
            continue
        if name == "Conv2d":
            if len(shape) != 3:
                raise ExportError(f"{where}: a Conv2d needs an image input (C, H, W) but receives {shape}")
            h, wd, c = shape
            if module.in_channels != c:
                raise ExportError(f"{where}: in_channels {module.in_channels}, but the input has {c} channels")
            if module.groups != 1 or _pair(module.dilation) != (1, 1) or module.padding_mode != "zeros":
                raise ExportError(f"{where}: only groups=1, dilation=1, padding_mode='zeros' have a ctnn equivalent")
            kh, kw = _pair(module.kernel_size)
            sh, sw = _pair(module.stride)
            padding, (oh, ow) = _conv_padding(module.padding, (h, wd), (kh, kw), (sh, sw), where)
            filters = module.out_channels
            has_bias = module.bias is not None
            w = module.weight.detach().cpu().double().numpy()  # (out, in, kh, kw)

            def spell(a, f=filters, k=(kh, kw), s=(sh, sw), p=padding, b=has_bias):
                options = [str(f), f"ctnn::kernel<{k[0]}, {k[1]}>"]
                if a != "linear":
                    options.append(f"ctnn::{a}")
                if s != (1, 1):
                    options.append(f"ctnn::strides<{s[0]}, {s[1]}>")
                if p == "same":
                    options.append("ctnn::padding::same")
                if not b:
                    options.append("ctnn::use_bias<false>")
                return "ctnn::conv2d<" + ", ".join(options) + ">"

            layer = Layer("conv2d", shape, (oh, ow, filters), spell)
            layer.activation = "linear"
            layer.window, layer.strides, layer.padding = (kh, kw), (sh, sw), padding
            layer.params.append(("kernel", w.transpose(2, 3, 1, 0).astype("float32")))
            if has_bias:
                layer.params.append(("bias", module.bias.detach().cpu().double().numpy().astype("float32")))
            layers.append(layer)
            shape = (oh, ow, filters)
            continue
        if name in ("MaxPool2d", "AvgPool2d"):
            if len(shape) != 3:
                raise ExportError(f"{where}: pooling needs an image input but receives {shape}")
            h, wd, c = shape
            kh, kw = _pair(module.kernel_size)
            sh, sw = _pair(module.stride if module.stride is not None else module.kernel_size)
            if _pair(module.padding) != (0, 0):
                raise ExportError(f"{where}: padding={module.padding}: ctnn pools without padding (or with Keras' "
                                  "'same', which PyTorch cannot express)")
            if name == "MaxPool2d" and _pair(module.dilation) != (1, 1):
                raise ExportError(f"{where}: dilation={module.dilation} has no ctnn equivalent")
            if name == "AvgPool2d" and module.divisor_override is not None:
                raise ExportError(f"{where}: divisor_override has no ctnn equivalent")
            oh, ow = (h - kh) // sh + 1, (wd - kw) // sw + 1
            if module.ceil_mode and ((h - kh + sh - 1) // sh + 1, (wd - kw + sw - 1) // sw + 1) != (oh, ow):
                raise ExportError(f"{where}: ceil_mode=True adds a partial window here; ctnn has no equivalent")
            kind = "max_pooling2d" if name == "MaxPool2d" else "average_pooling2d"
            spelling = "ctnn::max_pool2d" if name == "MaxPool2d" else "ctnn::average_pool2d"
            options = [f"ctnn::pool<{kh}, {kw}>"] + ([f"ctnn::strides<{sh}, {sw}>"] if (sh, sw) != (kh, kw) else [])
            layer = Layer(kind, shape, (oh, ow, c), lambda a, s=spelling, o=options: f"{s}<{', '.join(o)}>")
            layer.window, layer.strides, layer.padding = (kh, kw), (sh, sw), "valid"
            layers.append(layer)
            shape = (oh, ow, c)
            continue
        if name == "Flatten":
            if module.start_dim != 1 or module.end_dim != -1:
                raise ExportError(f"{where}: only Flatten(start_dim=1, end_dim=-1) has a ctnn equivalent")
            size = 1
            for d in shape:
                size *= d
            if len(shape) == 3:
                chw = (shape[2], shape[0], shape[1])
            elif len(shape) == 2 and channels_first:
                chw = (shape[1], shape[0])
            channels_first = False
            layers.append(Layer("flatten", shape, (size,), lambda a: "ctnn::flatten"))
            shape = (size,)
            continue
        if name in ("Conv1d", "MaxPool1d", "AvgPool1d"):
            if len(shape) != 2 or not channels_first:
                raise ExportError(f"{where}: a {name} needs a (channels, steps) input: the model's input, or a "
                                  f"Conv1d's or 1D pool's output, but receives {shape}" +
                                  ("" if len(shape) != 2 else " (steps, features) from a recurrent module"))
            layer = _conv1d(module, shape, where) if name == "Conv1d" else _pool1d(module, shape, where)
            layers.append(layer)
            shape = layer.out_shape
            continue
        if name == "Dropout":
            p = float(module.p)
            layer = Layer("dropout", shape, shape, lambda a, p=p: f"ctnn::dropout<ctnn::dropout_rate{{{p!r}}}>")
            layer.rate = int(p * 1e6 + 0.5)
            layers.append(layer)
            continue
        raise ExportError(f"{where}: not supported (supported: Linear, Conv2d, MaxPool2d, AvgPool2d, Flatten, "
                          "Dropout, ReLU, Sigmoid, Tanh, Softmax, LeakyReLU, ELU, Identity, and LSTM, GRU, RNN "
                          "wrapped in export_pytorch.Recurrent)")
    if chw is not None:
        what = "image: PyTorch orders it (C, H, W), ctnn (H, W, C)" if len(chw) == 3 else \
            "sequence: PyTorch orders it (C, L), ctnn (L, C)"
        raise ExportError(f"the model ends with a flattened {what}; end with a Linear, or drop the final Flatten")
    if not layers:
        raise ExportError("the model has no layers")
    return ctnn_input, layers


def _directly_follows(modules, index):
    """True when module index-1, skipping Identity, is what index follows."""
    j = index - 1
    while j >= 0 and type(modules[j]).__name__ == "Identity":
        j -= 1
    return j >= 0 and type(modules[j]).__name__ in ("Linear", "Conv2d", "Conv1d")


def _single(v):
    return int(v[0]) if isinstance(v, (tuple, list)) else int(v)


def _conv1d(module, shape, where):
    """ctnn::conv1d for an nn.Conv1d on a (steps, channels) input (PyTorch's (channels, steps))."""
    steps, channels = shape
    if module.in_channels != channels:
        raise ExportError(f"{where}: in_channels {module.in_channels}, but the input has {channels} channels")
    if module.groups != 1 or module.padding_mode != "zeros":
        raise ExportError(f"{where}: only groups=1, padding_mode='zeros' have a ctnn equivalent")
    k, s, d = _single(module.kernel_size), _single(module.stride), _single(module.dilation)
    if d > 1 and s > 1:
        raise ExportError(f"{where}: dilation={d} with stride={s}: ctnn, as Keras, dilates with stride 1 only")
    # A dilated window spans d (k - 1) + 1 steps: padding as conv2d's for that window.
    padding, (length,) = _conv_padding(module.padding if isinstance(module.padding, str) else _single(module.padding),
                                       (steps,), (d * (k - 1) + 1,), (s,), where)
    filters, has_bias = module.out_channels, module.bias is not None

    def spell(a, f=filters, k=k, s=s, p=padding, d=d, b=has_bias):
        options = [str(f), f"ctnn::kernel<{k}>"] + ([f"ctnn::{a}"] if a != "linear" else []) + \
                  ([f"ctnn::strides<{s}>"] if s != 1 else []) + (["ctnn::padding::same"] if p == "same" else []) + \
                  ([f"ctnn::dilation_rate<{d}>"] if d != 1 else []) + ([] if b else ["ctnn::use_bias<false>"])
        return "ctnn::conv1d<" + ", ".join(options) + ">"

    layer = Layer("conv1d", shape, (length, filters), spell)
    layer.activation = "linear"
    layer.window, layer.strides, layer.padding, layer.dilation = (k,), (s,), padding, d
    w = module.weight.detach().cpu().double().numpy()  # (out, in, k)
    layer.params.append(("kernel", w.transpose(2, 1, 0).astype("float32")))
    if has_bias:
        layer.params.append(("bias", module.bias.detach().cpu().double().numpy().astype("float32")))
    return layer


def _pool1d(module, shape, where):
    """ctnn::max_pool1d or average_pool1d for an nn.MaxPool1d or nn.AvgPool1d."""
    name = type(module).__name__
    steps, channels = shape
    k = _single(module.kernel_size)
    s = _single(module.stride) if module.stride is not None and _single(module.stride) != 0 else k
    if _single(module.padding) != 0:
        raise ExportError(f"{where}: padding={module.padding}: ctnn pools without padding (or with Keras' "
                          "'same', which PyTorch cannot express)")
    if name == "MaxPool1d" and _single(module.dilation) != 1:
        raise ExportError(f"{where}: dilation={module.dilation} has no ctnn equivalent")
    length = (steps - k) // s + 1
    if module.ceil_mode and (steps - k + s - 1) // s + 1 != length:
        raise ExportError(f"{where}: ceil_mode=True adds a partial window here; ctnn has no equivalent")
    kind, spelling = ("max_pooling1d", "ctnn::max_pool1d") if name == "MaxPool1d" else \
        ("average_pooling1d", "ctnn::average_pool1d")
    options = [f"ctnn::pool<{k}>"] + ([f"ctnn::strides<{s}>"] if s != k else [])
    layer = Layer(kind, shape, (length, channels), lambda a, sp=spelling, o=options: f"{sp}<{', '.join(o)}>")
    layer.window, layer.strides, layer.padding = (k,), (s,), "valid"
    return layer


def _channels_first_sequence(model):
    """True when a rank-2 input is PyTorch's (channels, steps): the first module is a Conv1d or a 1D pool."""
    for module in model.children():
        name = type(module).__name__
        if name not in ("Identity", "Dropout") and name not in _ACTIVATIONS:
            return name in ("Conv1d", "MaxPool1d", "AvgPool1d")
    return False


def _conv_padding(padding, size, kernel, stride, where):
    """('valid' | 'same', output size) for PyTorch's padding, if ctnn (Keras) has an equivalent."""
    if isinstance(padding, str):
        if padding == "valid":
            return "valid", tuple((n - k) // s + 1 for n, k, s in zip(size, kernel, stride))
        if padding == "same":
            # PyTorch allows it for stride 1 only; it pads total k - 1, the extra one at the end,
            # as Keras does.
            return "same", tuple(size)
        raise ExportError(f"{where}: padding={padding!r}")
    p = _pair(padding) if len(size) == 2 else (int(padding),)
    torch_out = tuple((n + 2 * q - k) // s + 1 for n, q, k, s in zip(size, p, kernel, stride))
    if not any(p):
        return "valid", torch_out
    same_out = tuple((n + s - 1) // s for n, s in zip(size, stride))
    before = tuple(max((o - 1) * s + k - n, 0) // 2 for o, s, k, n in zip(same_out, stride, kernel, size))
    if torch_out == same_out and p == before:
        return "same", same_out  # the same windows over the same zeros
    raise ExportError(f"{where}: padding={padding} with kernel {kernel} and stride {stride} on {size} has no "
                      "ctnn equivalent (ctnn has 'valid', and 'same' as Keras pads)")


def cpp_type(input_shape, layers, name="network"):
    """The C++ alias of the ctnn network (and the run-time statements it needs, as comments)."""
    text = _cpp_type(input_shape, layers, name)
    runtime = runtime_statements(layers)
    if runtime:
        text += ("// Run-time hyperparameters (not part of the type; the test vector fails without them):\n" +
                 "".join(f"//   {s}\n" for s in runtime))
    return text


# ---- Export ----

class Export:
    def __init__(self, input_shape, layers):
        self.input_shape, self.layers = input_shape, layers
        self.description = describe(input_shape, layers)
        self.fingerprint = fingerprint(self.description)
        self.names = layer_names(layers)

    def tensors(self):
        return _tensors(self.layers)[0]

    def streaming_states(self):
        """Each streaming layer's state, as a fresh stream starts it (zeros), which ctnn::load
        expects after the parameters (<layer>/streaming_state, float32)."""
        import numpy as np
        return [(f"{n}/streaming_state", np.zeros(layer.streaming_state, dtype=np.float32))
                for n, layer in zip(self.names, self.layers) if layer.streaming_state > 0]

    def snippet(self, name="network"):
        return (f"// ctnn network fingerprint 0x{self.fingerprint:016X}\n" + cpp_type(self.input_shape, self.layers, name))


def to_ctnn_layout(array, rank_per_sample, channels_first_sequence=False):
    """(N, C, H, W) -> (N, H, W, C); a Conv1d's (N, C, L) -> (N, L, C); (N, F) and a recurrent
    module's (N, T, F) unchanged."""
    if rank_per_sample == 3:
        return array.transpose(0, 2, 3, 1)
    return array.transpose(0, 2, 1) if rank_per_sample == 2 and channels_first_sequence else array


def _ends_channels_first(layers):
    """True when the model's output is a Conv1d's or 1D pool's (C, L) (through activations, dropout)."""
    for layer in reversed(layers):
        if layer.kind in ("conv1d", "max_pooling1d", "average_pooling1d"):
            return True
        if layer.kind != "dropout" and layer.kind not in _ACTIVATIONS.values():
            return False
    return False


def export(model, input_shape, path=None, test_input=None, test_samples=4, rtol=1e-4, atol=1e-6, seed=0):
    """Converts model (an nn.Sequential) for samples of input_shape (PyTorch's order) and, with
    path, writes the weight file with a test vector: test_input (N, *input_shape) or
    test_samples random inputs, and the model's outputs for them computed in float64."""
    import numpy as np
    import torch

    ctnn_input, layers = convert(model, input_shape)
    result = Export(ctnn_input, layers)
    if path is not None:
        test = None
        if test_input is not None or test_samples > 0:
            if test_input is None:
                generator = torch.Generator().manual_seed(seed)
                test_input = torch.rand((test_samples,) + tuple(input_shape), generator=generator)
            x = torch.as_tensor(test_input).float()
            reference = copy.deepcopy(model).double().eval()
            with torch.no_grad():
                y = reference(x.double())
            rank = len(input_shape)
            out_rank = len(layers[-1].out_shape)
            inputs = to_ctnn_layout(x.numpy(), rank, _channels_first_sequence(model)).astype(np.float32)
            outputs = to_ctnn_layout(y.numpy(), out_rank, _ends_channels_first(layers)).astype(np.float32)
            test = (inputs, outputs, rtol, atol)
        write_weights(path, result.description, result.tensors() + result.streaming_states(), test=test)
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="a whole pickled nn.Sequential (torch.save(model, path))")
    parser.add_argument("output", help="the ctnn weight file to write")
    parser.add_argument("--input-shape", required=True,
                        help="one sample's shape as PyTorch sees it: C,H,W, F, T,F (recurrent) or C,L "
                             "(Conv1d); e.g. 1,28,28 or 784")
    parser.add_argument("--test-samples", type=int, default=4, help="random samples in the test vector (0: none)")
    parser.add_argument("--rtol", type=float, default=1e-4)
    parser.add_argument("--atol", type=float, default=1e-6)
    parser.add_argument("--name", default="network", help="the C++ alias to print")
    args = parser.parse_args(argv)
    import torch
    try:  # a whole pickled module: PyTorch 2.6 and later load weights only unless told otherwise
        model = torch.load(args.model, map_location="cpu", weights_only=False)
    except TypeError:  # PyTorch before 1.13 has no weights_only
        model = torch.load(args.model, map_location="cpu")
    shape = tuple(int(d) for d in args.input_shape.split(","))
    try:
        result = export(model, shape, args.output, test_samples=args.test_samples, rtol=args.rtol, atol=args.atol)
    except ExportError as e:
        print(f"export_pytorch: {e}", file=sys.stderr)
        return 1
    print(result.snippet(args.name), end="")
    print(f"// Weights: {args.output} (ctnn::load(model, \"{args.output}\"))")
    return 0


if __name__ == "__main__":
    sys.exit(main())
