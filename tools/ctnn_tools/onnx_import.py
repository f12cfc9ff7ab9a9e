"""An ONNX model (as torch.onnx.export writes it, opset 13 and later) as a ctnn network.

The graph is walked from its one input. A tensor read by one node continues the chain; a tensor
read by several starts a block: each reader's chain is followed until the chains meet at one
Add (ctnn::residual when two paths, one of them possibly the input itself) or Concat over the
channels (ctnn::branches<concatenate>). Layouts are converted as the walk goes: ONNX images are
(N, C, H, W) and 1-D sequences (N, C, L), ctnn's channels last, so kernels are transposed
((O, I, kh, kw) -> (kh, kw, I, O)) and a Flatten of a channels-first image is remembered until
the Gemm/MatMul that reads it, whose rows are permuted from PyTorch's (C, H, W) order to ctnn's
(H, W, C). Recurrent layers (LSTM, GRU, RNN) read time-major (T, N, F) data, so the exporter
wraps each in Transposes between PyTorch's batch-first (N, T, F) and that; the walk follows the
data through them as layouts rather than layers, and a Gather or Slice of the last step makes the
recurrent layer before it Keras' return_sequences=False. The Shape/Gather/Concat/ConstantOfShape
nodes torch writes to size a zero initial state by the dynamic batch carry no data and are set
apart before the walk. Every refusal names the node, its operator and why, before anything is
written."""

import numpy as np

from . import layers as L
from .graph import GraphWalker
from .network import Block, Imported, ImportError_

# How a tensor's data is laid out, beside its ctnn shape:
#   "image"   ONNX (N, C, H, W) = ctnn (H, W, C);      "sequence" ONNX (N, C, L) = ctnn (L, C)
#   "flat"    (N, F), the same order in both;           "flat_cf"  (N, F) flattened channels-first
#   "pooled"  ONNX (N, C, 1, 1) or (N, C, 1) = ctnn (C)
#   "steps"   ONNX (N, T, F) = ctnn (T, F): batch-first, PyTorch's batch_first=True
#   "time_major" ONNX (T, N, F) = ctnn (T, F): what ONNX's LSTM, GRU and RNN read (layout=0)
#   "rnn_y"   ONNX (T, 1, N, H) = ctnn (T, H): their output Y, one direction
#   "last_step" ONNX (N, 1, H) = ctnn (H): the last step, its axis kept (a Slice)
_ELEMENTWISE = {"Relu": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh", "LeakyRelu": "leaky_relu", "Elu": "elu",
                "Softplus": "softplus", "Gelu": "gelu"}
_ONNX_ALPHA = {"LeakyRelu": 0.01, "Elu": 1.0}
_SKIPPED = ("Identity", "Dropout")
# ONNX's recurrent operators: the ctnn kind, and ONNX's gate blocks in Keras' order (ONNX's LSTM
# has i, o, f, c where Keras has i, f, c, o; its GRU z, r, h as Keras), and the activations torch
# writes (the ONNX defaults; an RNN's may be Relu)
_RECURRENT_OPS = {"LSTM": ("lstm", (0, 2, 3, 1)), "GRU": ("gru", (0, 1, 2)), "RNN": ("simple_rnn", (0,))}
_RECURRENT_ACTIVATIONS = {"LSTM": (("Sigmoid", "Tanh", "Tanh"),), "GRU": (("Sigmoid", "Tanh"),),
                          "RNN": (("Tanh",), ("Relu",))}
# Operators whose output is all zeros when their first input is: a zero initial state expanded to
# the batch (torch's Expand of a zero constant), cast or reshaped stays provably zeros
_ZERO_PRESERVING = ("Expand", "Identity", "Cast", "Reshape", "Unsqueeze", "Squeeze", "Tile")


def _channels_last_rows(value, a):
    """a, whose first axis runs over the features of value, in ctnn's order: for a flat_cf value
    (ONNX flattened (C, H, W) where ctnn flattens (H, W, C)) its rows permuted to channels last;
    for any other layout a itself."""
    if value.layout != "flat_cf":
        return a
    a = np.asarray(a)
    c, *spatial = value.source_shape
    rest = a.shape[1:]
    moved = a.reshape((c, *spatial) + rest).transpose(
        tuple(range(1, len(spatial) + 1)) + (0,) + tuple(range(len(spatial) + 1, len(spatial) + 1 + len(rest))))
    return moved.reshape(a.shape)


class _Value:
    """A tensor of the walk: its ctnn shape, its layout, for flat_cf the channels-first (C, ...)
    shape it was flattened from, and for a recurrent layer's output sequence (re-laid only since)
    (that layer, a function making it with return_sequences given): a last step taken later
    rebuilds it with return_sequences=False."""

    def __init__(self, shape, layout, source_shape=None, recurrent=None):
        self.shape, self.layout, self.source_shape = tuple(shape), layout, source_shape
        self.recurrent = recurrent


def _attributes(node):
    import onnx
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


class _Graph:
    def __init__(self, model, dims):
        from onnx import numpy_helper
        graph = model.graph
        self.constants = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
        self.nodes = []
        for node in graph.node:
            if node.op_type == "Constant":
                value = _attributes(node).get("value")
                if value is None:
                    raise ImportError_(f"node '{node.name}' (Constant): only a tensor 'value' is supported")
                self.constants[node.output[0]] = numpy_helper.to_array(value)
            else:
                self.nodes.append(node)
        inputs = [i for i in graph.input if i.name not in self.constants]
        if len(inputs) != 1:
            raise ImportError_(f"the graph has {len(inputs)} inputs ({', '.join(i.name for i in inputs)}); "
                               "a ctnn network has one")
        if len(graph.output) != 1:
            raise ImportError_(f"the graph has {len(graph.output)} outputs; a ctnn network has one")
        self.input = inputs[0]
        self.output = graph.output[0].name
        self.input_shape = self._static_shape(self.input, dims)
        self._set_apart_shapes()
        self.readers = {}
        for node in self.nodes:
            for name in node.input:
                if name and name not in self.static:
                    self.readers.setdefault(name, []).append(node)

    def _set_apart_shapes(self):
        """Takes out of self.nodes those that compute only from constants and tensor shapes --
        torch sizes a recurrent layer's zero initial state by the dynamic batch with Shape, Gather,
        Unsqueeze, Concat and ConstantOfShape (or Expand of a zero constant) -- and the data nodes
        whose outputs only they read (the Transpose back to batch-first a Shape reads while the
        next recurrent layer reads the time-major tensor itself). A Shape reading a tensor would
        otherwise be one more reader of it: a fan-out to the walk. Their outputs (self.static) are
        never constants: a weight computed so is refused as computed in the graph, an initial
        state is taken only if is_zero proves it zeros. self.producers keeps their nodes."""
        self.static, self.producers, apart = set(self.constants), {}, set()
        for node in self.nodes:  # graph order is topological
            inputs = [name for name in node.input if name]
            if node.op_type == "Shape" or (inputs and all(name in self.static for name in inputs)):
                apart.add(id(node))
                for name in node.output:
                    if name:
                        self.static.add(name)
                        self.producers[name] = node
        readers = {}
        for node in self.nodes:
            for name in node.input:
                readers.setdefault(name, []).append(node)
        changed = True
        while changed:  # data read only for its shape: upstream of those nodes, to a fixed point
            changed = False
            for node in reversed(self.nodes):
                if id(node) in apart or self.output in node.output:
                    continue
                read_by = [r for name in node.output if name for r in readers.get(name, [])]
                if read_by and all(id(r) in apart for r in read_by):
                    apart.add(id(node))
                    changed = True
        self.nodes = [node for node in self.nodes if id(node) not in apart]

    def is_zero(self, name):
        """Whether tensor `name` is provably all zeros: a zero constant, a ConstantOfShape of 0
        (its default), or one of those expanded, cast or reshaped."""
        if name in self.constants:
            return not np.any(self.constants[name])
        node = self.producers.get(name)
        if node is None:
            return False
        if node.op_type == "ConstantOfShape":
            from onnx import numpy_helper
            value = _attributes(node).get("value")
            return value is None or not np.any(numpy_helper.to_array(value))
        return node.op_type in _ZERO_PRESERVING and self.is_zero(node.input[0])

    @staticmethod
    def _static_shape(value, dims):
        shape = []
        for k, d in enumerate(value.type.tensor_type.shape.dim):
            if d.HasField("dim_value") and d.dim_value > 0:
                shape.append(int(d.dim_value))
            elif k == 0:
                shape.append(None)  # the batch
            elif d.dim_param in dims:
                shape.append(int(dims[d.dim_param]))
            else:
                raise ImportError_(f"input '{value.name}': dimension {k} is dynamic ('{d.dim_param or '?'}'); fix it "
                                   f"with --dim {d.dim_param or 'name'}=value (ctnn's shapes are compile-time)")
        if not shape:
            raise ImportError_(f"input '{value.name}' has no shape")
        return shape[1:]

    def constant(self, node, index, what):
        if index >= len(node.input) or not node.input[index]:
            return None
        name = node.input[index]
        if name not in self.constants:
            raise ImportError_(f"node '{node.name}' ({node.op_type}): its {what} ('{name}') is computed in the graph; "
                               "ctnn needs it constant (an initializer)")
        return self.constants[name].astype(np.float64)

    def dynamic_inputs(self, node):
        return [name for name in node.input if name and name not in self.static]


def _where(node):
    return f"node '{node.name or node.output[0]}' ({node.op_type})"


def _ints(attrs, name, default):
    return tuple(int(v) for v in attrs.get(name, default))


def _conv_padding(node, attrs, spatial, kernel, strides, dilations):
    """('valid' | 'same', None) when ONNX's pads are Keras' padding, else ('valid', (before, after)
    per axis) for explicit zero padding before a valid convolution."""
    where = _where(node)
    auto = attrs.get("auto_pad", b"NOTSET")
    auto = auto.decode() if isinstance(auto, bytes) else auto
    spans = [(k - 1) * d + 1 for k, d in zip(kernel, dilations)]
    if auto in ("SAME_UPPER", "SAME_LOWER"):
        pads = []
        for n, span, s in zip(spatial, spans, strides):
            before, after = L.same_padding(n, span, s)
            pads.append((after, before) if auto == "SAME_LOWER" else (before, after))
    elif auto == "VALID":
        pads = [(0, 0)] * len(spatial)
    elif auto == "NOTSET":
        flat = _ints(attrs, "pads", [0] * (2 * len(spatial)))
        pads = [(flat[k], flat[k + len(spatial)]) for k in range(len(spatial))]
    else:
        raise ImportError_(f"{where}: auto_pad={auto!r}")
    if all(p == (0, 0) for p in pads):
        return "valid", None
    if all(p == L.same_padding(n, span, s) for p, n, span, s in zip(pads, spatial, spans, strides)):
        return "same", None
    return "valid", pads


class _Converter(GraphWalker):
    def __init__(self, graph):
        self.g = graph
        self.output = graph.output

    def readers(self, tensor):
        return self.g.readers.get(tensor, [])

    def dynamic_inputs(self, node):
        return self.g.dynamic_inputs(node)

    def merges(self, node):
        return node.op_type in ("Add", "Sum", "Concat")

    def where(self, node):
        return _where(node)

    def pattern(self, tensor, readers, value, out):
        gelu = self._gelu(tensor, readers)
        return None if gelu is None else self._activation(out, "gelu", None, value, gelu, tensor)

    def merge(self, merge, paths, values, value):
        attrs = _attributes(merge)
        if merge.op_type in ("Add", "Sum"):
            if len({v.shape for v in values}) != 1 or len({v.layout for v in values}) != 1:
                raise ImportError_(f"{_where(merge)}: adds tensors of shapes "
                                   f"{' and '.join(str(v.shape) for v in values)}; ctnn adds equal shapes only")
            out_value = values[0]
            block = Block("add", paths, value.shape, out_value.shape)
        else:
            layout = values[0].layout
            rank = len(self._onnx_shape(values[0]))
            axis = int(attrs.get("axis", 1))
            axis = axis + rank if axis < 0 else axis
            if len({v.layout for v in values}) != 1 or axis != 1 or layout not in ("image", "sequence", "flat"):
                raise ImportError_(f"{_where(merge)}: concatenates on axis {attrs.get('axis')} of "
                                   f"{rank}-D tensors; ctnn concatenates channels (ONNX axis 1) or features only")
            if len({v.shape[:-1] for v in values}) != 1:
                raise ImportError_(f"{_where(merge)}: concatenates tensors of shapes "
                                   f"{' and '.join(str(v.shape) for v in values)} that differ off the channels")
            out_value = _Value(values[0].shape[:-1] + (sum(v.shape[-1] for v in values),), layout)
            block = Block("concatenate", paths, value.shape, out_value.shape)
        return block, merge.output[0], out_value

    @staticmethod
    def _onnx_shape(value):
        if value.layout == "image":
            h, w, c = value.shape
            return (None, c, h, w)
        if value.layout == "sequence":
            steps, c = value.shape
            return (None, c, steps)
        if value.layout == "time_major":
            steps, f = value.shape
            return (steps, None, f)
        if value.layout == "rnn_y":
            steps, h = value.shape
            return (steps, 1, None, h)
        if value.layout == "last_step":
            return (None, 1) + value.shape
        return (None,) + value.shape

    def _gelu(self, tensor, readers):
        """The node ending the exact GELU pattern torch writes, x * 0.5 * (1 + erf(x / sqrt(2)))
        (Div, Erf, Add 1, Mul x, Mul 0.5, the two Mul in either order), or None."""
        ops = sorted(r.op_type for r in readers)
        if ops != ["Div", "Mul"]:
            return None
        div = next(r for r in readers if r.op_type == "Div")
        mul = next(r for r in readers if r.op_type == "Mul")

        def only_reader(t, op):
            rs = self.g.readers.get(t, [])
            return rs[0] if len(rs) == 1 and rs[0].op_type == op else None

        def constant_is(node, value):
            c = [self.g.constants[n] for n in node.input if n in self.g.constants]
            return len(c) == 1 and c[0].size == 1 and abs(float(c[0].reshape(())) - value) <= 1e-6 * abs(value)

        erf = only_reader(div.output[0], "Erf")
        add = erf and only_reader(erf.output[0], "Add")
        if not (constant_is(div, 2.0 ** 0.5) and add is not None and constant_is(add, 1.0)):
            return None
        if only_reader(add.output[0], "Mul") is not mul:
            return None
        half = only_reader(mul.output[0], "Mul")
        return half if half is not None and constant_is(half, 0.5) else None

    # ---- one node ----

    def _activation(self, out, name, alpha, value, node, tensor):
        """Folds an activation into the layer that made `tensor` when it has none, else adds it as a layer."""
        previous = out[-1] if out else None
        if previous is not None and not previous.is_block and previous.kind in ("dense", "conv2d", "conv1d",
                                                                                 "depthwise_conv2d") \
                and previous.activation == "linear" and not previous.folded and self._made_by_last(out, tensor):
            L.set_activation(previous, name, alpha)
        else:
            out.append(L.activation(name, value.shape, alpha))
        self._last = node.output[0]
        return node.output[0], value

    def _made_by_last(self, out, tensor):
        return getattr(self, "_last", None) == tensor

    def node(self, node, tensor, value, out):
        op, attrs, where = node.op_type, _attributes(node), _where(node)
        if op in _SKIPPED:
            if getattr(self, "_last", None) == tensor:
                self._last = node.output[0]
            return node.output[0], value
        if op == "Gelu" and attrs.get("approximate", b"none") not in (b"none", "none"):
            raise ImportError_(f"{where}: approximate={attrs['approximate']!r}; ctnn_import takes the exact GELU")
        if op in _ELEMENTWISE:
            alpha = None
            if op in _ONNX_ALPHA:
                alpha = float(attrs.get("alpha", _ONNX_ALPHA[op]))
            return self._activation(out, _ELEMENTWISE[op], alpha, value, node, tensor)
        if op == "Softmax":
            axis = int(attrs.get("axis", -1))
            rank = len(self._onnx_shape(value))
            axis = axis + rank if axis < 0 else axis
            channel_axis = 1 if value.layout in ("image", "sequence") else rank - 1
            if axis != channel_axis:
                raise ImportError_(f"{where}: softmax over axis {attrs.get('axis', -1)} of a {rank}-D tensor; ctnn's "
                                   "softmax works on the features (or channels) only")
            return self._activation(out, "softmax", None, value, node, tensor)
        made = None
        if op in ("Gemm", "MatMul"):
            made = self._dense(node, attrs, value)
        elif op == "Conv":
            made = self._conv(node, attrs, value, out)
        elif op in ("MaxPool", "AveragePool"):
            made = self._pool(node, attrs, value)
        elif op == "GlobalAveragePool":
            if value.layout not in ("image", "sequence"):
                raise ImportError_(f"{where}: needs an image or a sequence, receives a {value.layout} tensor")
            layer = L.global_average_pool(value.shape)
            out.append(layer)
            self._last = node.output[0]
            return node.output[0], _Value(layer.out_shape, "pooled")
        elif op == "BatchNormalization":
            made = self._batch_norm(node, attrs, value)
        elif op in ("Flatten", "Reshape"):
            return self._flatten(node, attrs, value, out)
        elif op == "Pad":
            return self._pad(node, attrs, value, out)
        elif op in _RECURRENT_OPS:
            return self._recurrent(node, attrs, value, out)
        elif op in ("Transpose", "Squeeze"):
            return self._relay(node, attrs, value)
        elif op in ("Gather", "Slice"):
            return self._last_step(node, attrs, value, out)
        else:
            raise ImportError_(f"{where}: not supported (supported: Gemm, MatMul, Add of a constant after MatMul, Conv, "
                               "MaxPool, AveragePool, GlobalAveragePool, BatchNormalization, Relu, LeakyRelu, Elu, "
                               "Sigmoid, Tanh, Softplus, Softmax, Gelu and its Erf pattern, Flatten, Reshape to "
                               "(N, -1), Add and Concat of paths, Dropout, Identity, LSTM, GRU, RNN and the "
                               "Transpose, Squeeze, Gather and Slice around them)")
        layer, layout, result = made if len(made) == 3 else made + (node.output[0],)
        out.append(layer)
        self._last = result
        # A layer keeping a flattened channels-first tensor's order (batch normalization) keeps its source shape
        return result, _Value(layer.out_shape, layout, value.source_shape if layout == "flat_cf" else None)

    def _dense(self, node, attrs, value):
        where = _where(node)
        if value.layout not in ("flat", "flat_cf", "pooled"):
            raise ImportError_(f"{where}: needs (N, features), receives a {value.layout} of shape "
                               f"{self._onnx_shape(value)}; flatten it first")
        if node.op_type == "Gemm":
            if int(attrs.get("transA", 0)):
                raise ImportError_(f"{where}: transA=1 (the input transposed) has no ctnn equivalent")
            w = self.g.constant(node, 1, "weight")
            w = w.T if int(attrs.get("transB", 0)) else w
            w = w * float(attrs.get("alpha", 1.0))
            b = self.g.constant(node, 2, "bias")
            if b is not None:
                b = (b * float(attrs.get("beta", 1.0))).reshape(-1)
                if b.size != w.shape[1]:
                    raise ImportError_(f"{where}: a bias of shape {b.shape} for {w.shape[1]} outputs (ctnn broadcasts none)")
        else:
            w, b = self.g.constant(node, 1, "weight"), None
            if w.ndim != 2:
                raise ImportError_(f"{where}: a {w.ndim}-D weight; ctnn's dense takes (features, units)")
            add = self._bias_add(node)
            if add is not None:  # MatMul then Add of a constant: one dense layer with a bias
                b = next(self.g.constants[n] for n in add.input if n in self.g.constants).astype(np.float64)
                if b.size != w.shape[1]:
                    raise ImportError_(f"{_where(add)}: adds {b.shape} to the {w.shape[1]} outputs of a MatMul")
                b = b.reshape(-1)
        features = value.shape[0]
        if w.shape[0] != features:
            raise ImportError_(f"{where}: a weight for {w.shape[0]} features, the input has {features}")
        w = _channels_last_rows(value, w)
        layer = L.dense(value.shape, w, b)
        if node.op_type == "MatMul" and b is not None:
            return layer, "flat", self._bias_add(node).output[0]
        return layer, "flat"

    def _bias_add(self, node):
        """The Add of a constant that is the only reader of node's output, or None."""
        readers = self.g.readers.get(node.output[0], [])
        if len(readers) == 1 and readers[0].op_type == "Add" and len(self.g.dynamic_inputs(readers[0])) == 1 \
                and node.output[0] != self.g.output:
            return readers[0]
        return None

    def _conv(self, node, attrs, value, out):
        where = _where(node)
        w = self.g.constant(node, 1, "weight")
        b = self.g.constant(node, 2, "bias")
        b = None if b is None else b.reshape(-1)
        rank = w.ndim - 2
        if (rank, value.layout) not in ((2, "image"), (1, "sequence")):
            raise ImportError_(f"{where}: a {rank}-D convolution on a {value.layout} of shape {self._onnx_shape(value)}")
        spatial, channels = value.shape[:-1], value.shape[-1]
        kernel = _ints(attrs, "kernel_shape", w.shape[2:])
        strides = _ints(attrs, "strides", [1] * rank)
        dilations = _ints(attrs, "dilations", [1] * rank)
        group = int(attrs.get("group", 1))
        filters = w.shape[0]
        if group != 1 and not (group == channels and w.shape[1] == 1 and rank == 2):
            raise ImportError_(f"{where}: group={group} with {channels} input channels is not depthwise; ctnn supports "
                               "group 1 or depthwise (2-D, group = input channels)")
        if group == 1 and w.shape[1] != channels:
            raise ImportError_(f"{where}: a weight for {w.shape[1]} input channels, the input has {channels}")
        if any(d > 1 for d in dilations) and any(s > 1 for s in strides):
            raise ImportError_(f"{where}: dilations {dilations} with strides {strides}; ctnn, as Keras, dilates with "
                               "stride 1 only")
        padding, explicit = _conv_padding(node, attrs, spatial, kernel, strides, dilations)
        shape = value.shape
        if explicit is not None:
            if rank != 2:
                raise ImportError_(f"{where}: pads {attrs.get('pads')} are neither 'valid' nor Keras' 'same' here; "
                                   "ctnn has no 1-D zero padding layer")
            (top, bottom), (left, right) = explicit
            pad = L.zero_padding2d(shape, top, bottom, left, right)
            out.append(pad)
            shape = pad.out_shape
        if rank == 2:
            if group == 1:
                return L.conv2d(shape, w.transpose(2, 3, 1, 0), b, strides, padding, dilations), "image"
            multiplier = filters // channels
            kernel4 = w[:, 0].reshape(channels, multiplier, *kernel).transpose(2, 3, 0, 1)  # (kh, kw, in, m)
            return L.depthwise_conv2d(shape, kernel4, b, strides, padding, dilations), "image"
        return L.conv1d(shape, w.transpose(2, 1, 0), b, strides[0], padding, dilations[0]), "sequence"

    def _pool(self, node, attrs, value):
        where = _where(node)
        if value.layout not in ("image", "sequence"):
            raise ImportError_(f"{where}: needs an image or a sequence, receives a {value.layout} tensor")
        rank = len(value.shape) - 1
        window = _ints(attrs, "kernel_shape", [])
        strides = _ints(attrs, "strides", [1] * rank)
        if any(_ints(attrs, "pads", [0] * 2 * rank)) or attrs.get("auto_pad", b"NOTSET") not in (b"NOTSET", b"VALID"):
            raise ImportError_(f"{where}: padded pooling has no ctnn equivalent (ctnn pools valid windows)")
        if any(d != 1 for d in _ints(attrs, "dilations", [1] * rank)):
            raise ImportError_(f"{where}: dilations have no ctnn equivalent for pooling")
        if int(attrs.get("ceil_mode", 0)):
            spatial = value.shape[:-1]
            if any((n - k + s - 1) // s != (n - k) // s for n, k, s in zip(spatial, window, strides)):
                raise ImportError_(f"{where}: ceil_mode=1 adds a partial window here; ctnn has no equivalent")
        kind = ("max_pooling" if node.op_type == "MaxPool" else "average_pooling") + f"{rank}d"
        return L.pool(kind, value.shape, window, strides), value.layout

    def _batch_norm(self, node, attrs, value):
        where = _where(node)
        if value.layout in ("steps", "time_major", "rnn_y", "last_step"):  # ONNX normalizes axis 1: not the features
            raise ImportError_(f"{where}: normalizes axis 1 of a {value.layout} tensor of shape "
                               f"{self._onnx_shape(value)}; ctnn normalizes the last axis (the features) only")
        if int(attrs.get("training_mode", 0)):
            raise ImportError_(f"{where}: training_mode=1; export the model in eval mode")
        scale, bias, mean, var = (self.g.constant(node, k, what) for k, what in
                                  ((1, "scale"), (2, "bias"), (3, "mean"), (4, "variance")))
        if mean.size != value.shape[-1]:
            raise ImportError_(f"{where}: statistics for {mean.size} channels, the input has {value.shape[-1]}")
        # A flattened channels-first tensor's features: its statistics in ctnn's channels-last order
        scale, bias, mean, var = (None if a is None else _channels_last_rows(value, a) for a in (scale, bias, mean, var))
        return L.batch_normalization(value.shape, scale, bias, mean, var, float(attrs.get("epsilon", 1e-5))), \
            value.layout

    def _pad(self, node, attrs, value, out):
        """Zero padding of an image's height and width: ctnn::zero_padding2d (none when all zeros)."""
        where = _where(node)
        mode = attrs.get("mode", b"constant")
        pads = self.g.constant(node, 1, "pads")
        fill = self.g.constant(node, 2, "constant value")
        rank = len(self._onnx_shape(value))
        if (mode if isinstance(mode, str) else mode.decode()) != "constant" or (fill is not None and np.any(fill != 0)) \
                or pads is None or pads.size != 2 * rank:
            raise ImportError_(f"{where}: only zero padding (mode 'constant', value 0) has a ctnn equivalent")
        pads = pads.astype(np.int64).reshape(2, rank)
        if np.any(pads < 0) or np.any(pads[:, :2] != 0) or (np.any(pads) and value.layout != "image"):
            raise ImportError_(f"{where}: pads {pads.reshape(-1).tolist()}; ctnn pads an image's height and width "
                               "with zeros only (zero_padding2d)")
        if np.any(pads):
            layer = L.zero_padding2d(value.shape, int(pads[0, 2]), int(pads[1, 2]), int(pads[0, 3]), int(pads[1, 3]))
            out.append(layer)
            value = _Value(layer.out_shape, "image")
        self._last = node.output[0]
        return node.output[0], value

    def _flatten(self, node, attrs, value, out):
        where = _where(node)
        if node.op_type == "Flatten":
            if int(attrs.get("axis", 1)) != 1:
                raise ImportError_(f"{where}: axis={attrs.get('axis')}; ctnn flattens everything but the batch (axis=1)")
        else:
            target = self.g.constant(node, 1, "shape").astype(np.int64).reshape(-1)
            size = int(np.prod(value.shape))
            onnx_shape = self._onnx_shape(value)
            ok = len(target) == 2 and target[0] in (0, -1, 1) and target[1] in (-1, size)
            if not ok or (target[0] == -1 and target[1] == -1):
                raise ImportError_(f"{where}: reshapes {onnx_shape} to {tuple(int(t) for t in target)}; ctnn takes a "
                                   "Reshape that flattens each sample, (N, -1), only")
        self._last = node.output[0]
        if value.layout in ("flat", "flat_cf"):
            return node.output[0], value
        if value.layout in ("pooled", "last_step"):
            return node.output[0], _Value(value.shape, "flat")
        if value.layout in ("time_major", "rnn_y"):
            raise ImportError_(f"{where}: flattens a {value.layout} tensor of shape {self._onnx_shape(value)}, whose "
                               "first axis is not the batch; ctnn flattens samples (transpose to batch-first first)")
        layer = L.flatten(value.shape)
        out.append(layer)
        if value.layout == "steps":  # (N, T, F) flattens in ctnn's (T, F) order
            return node.output[0], _Value(layer.out_shape, "flat")
        source = (value.shape[-1],) + value.shape[:-1]  # (C, H, W) or (C, L)
        return node.output[0], _Value(layer.out_shape, "flat_cf", source)

    # ---- recurrent layers and the re-layouts around them ----

    def _recurrent(self, node, attrs, value, out):
        """An ONNX LSTM, GRU or RNN as ctnn::lstm, gru, simple_rnn (layers.recurrent, Keras'
        layouts), returning the whole sequence until a last step taken after it says otherwise."""
        where, op = _where(node), node.op_type
        kind, order = _RECURRENT_OPS[op]
        gates = len(order)
        if value.layout != "time_major":
            raise ImportError_(f"{where}: reads a {value.layout} tensor of shape {self._onnx_shape(value)} as its "
                               "time-major X (T, N, F); ctnn_import takes X as the exporter writes it, a Transpose "
                               "(perm 1, 0, 2) of batch-first (N, T, F) data")
        direction = _text(attrs.get("direction", b"forward"))
        if direction != "forward":
            raise ImportError_(f"{where}: direction={direction!r}; ctnn's recurrent layers run forward in one "
                               "direction (export bidirectional=False)")
        for name in ("clip", "activation_alpha", "activation_beta"):
            if name in attrs:
                raise ImportError_(f"{where}: {name}={attrs[name]} has no ctnn equivalent")
        if int(attrs.get("input_forget", 0)):
            raise ImportError_(f"{where}: input_forget=1 (coupled input and forget gates) has no ctnn equivalent")
        if int(attrs.get("layout", 0)):
            raise ImportError_(f"{where}: layout=1 (batch-major X and Y); ctnn_import takes the time-major layout=0 "
                               "torch writes")
        defaults = _RECURRENT_ACTIVATIONS[op]
        activations = tuple(_text(a) for a in attrs.get("activations", defaults[0]))
        if activations not in defaults:
            raise ImportError_(f"{where}: activations {list(activations)}; ctnn_import takes "
                               f"{' or '.join(str(list(d)) for d in defaults)} (what torch writes)")
        inputs = list(node.input) + [""] * (8 - len(node.input))
        if inputs[4]:
            raise ImportError_(f"{where}: sequence_lens ('{inputs[4]}') is given; every ctnn sample has all its steps "
                               "(export without packed sequences)")
        for index, what in ((5, "initial_h"), (6, "initial_c"))[:2 if op == "LSTM" else 1]:
            if inputs[index] and not self.g.is_zero(inputs[index]):
                raise ImportError_(f"{where}: its {what} ('{inputs[index]}') is not provably zeros; ctnn's recurrent "
                                   "layers start from a zero state, as Keras'")
        if op == "LSTM" and inputs[7]:
            raise ImportError_(f"{where}: peepholes P ('{inputs[7]}') have no ctnn equivalent")
        for k, state in enumerate(node.output[1:], 1):
            if state and (self.g.readers.get(state) or state == self.g.output):
                raise ImportError_(f"{where}: its final state {('Y_h', 'Y_c')[k - 1]} ('{state}') is read; ctnn_import "
                                   "takes the output sequence Y (PyTorch's out; out[:, -1] for the last step)")
        w, r, b = (self.g.constant(node, k, what) for k, what in ((1, "W"), (2, "R"), (3, "B")))
        steps, features = value.shape
        hidden = int(attrs.get("hidden_size", r.shape[-1]))
        if w.shape != (1, gates * hidden, features) or r.shape != (1, gates * hidden, hidden) \
                or (b is not None and b.shape != (1, 2 * gates * hidden)):
            raise ImportError_(f"{where}: W {w.shape}, R {r.shape}, B {None if b is None else b.shape} for hidden_size "
                               f"{hidden} on {features} features; one direction has W (1, {gates} H, F), R (1, "
                               f"{gates} H, H), B (1, {2 * gates} H)")

        def keras(rows):  # (gates H, ...) in ONNX's gate order -> Keras'
            return L.gate_blocks(rows, order)

        # linear_before_reset=1 (what torch writes) keeps the recurrent bias of the candidate inside
        # r * (h R_h + Rb_h): Keras' reset_after=True, whose (2, 3 H) bias holds [Wb; Rb] apart.
        # Everywhere else the two biases are added to the same pre-activation.
        reset_after = op != "GRU" or bool(int(attrs.get("linear_before_reset", 0)))
        bias = None
        if b is not None:
            wb, rb = keras(b[0, :gates * hidden]), keras(b[0, gates * hidden:])
            bias = np.stack([wb, rb]) if op == "GRU" and reset_after else wb + rb
        activation = activations[-1].lower()  # the RNN's, the LSTM's g and h (equal), the GRU's h

        def make(return_sequences):
            return L.recurrent(kind, value.shape, keras(w[0]).T, keras(r[0]).T, bias, activation, "sigmoid",
                               return_sequences, False, reset_after)

        layer = make(True)
        out.append(layer)
        self._last = node.output[0]
        return node.output[0], _Value(layer.out_shape, "rnn_y", recurrent=(layer, make))

    def _axes(self, node, attrs, index, rank):
        """A Squeeze's or Slice's axes (the input at index, opset 13, or the attribute), made non-negative."""
        axes = self.g.constant(node, index, "axes")
        axes = attrs.get("axes") if axes is None else axes.astype(np.int64).reshape(-1)
        return None if axes is None else tuple(int(a) + rank if a < 0 else int(a) for a in axes)

    def _relay(self, node, attrs, value):
        """A Transpose or Squeeze that re-lays a sequence between the layouts the exporter writes
        around recurrent layers (batch-first, time-major, ONNX's Y, channels-first): no layer."""
        where = _where(node)
        rank = len(self._onnx_shape(value))
        if node.op_type == "Transpose":
            perm = _ints(attrs, "perm", range(rank - 1, -1, -1))
            # (the exporter fuses a channels-first sequence's transpose to batch-first with the one
            # to time-major: perm 2, 0, 1; and back, 1, 2, 0)
            layout = {("steps", (1, 0, 2)): "time_major", ("time_major", (1, 0, 2)): "steps",
                      ("sequence", (0, 2, 1)): "steps", ("steps", (0, 2, 1)): "sequence",
                      ("sequence", (2, 0, 1)): "time_major", ("time_major", (1, 2, 0)): "sequence"}.get(
                (value.layout, perm))
            if layout is None:
                raise ImportError_(f"{where}: transposes a {value.layout} tensor of shape {self._onnx_shape(value)} by "
                                   f"perm {list(perm)}; ctnn_import takes the transposes between batch-first "
                                   "(N, T, F), time-major (T, N, F) and channels-first (N, C, L) sequences only")
        else:
            axes = self._axes(node, attrs, 1, rank)
            layout = {("rnn_y", (1,)): "time_major", ("last_step", (1,)): "flat"}.get((value.layout, axes))
            if layout is None:
                raise ImportError_(f"{where}: squeezes axes {None if axes is None else list(axes)} of a {value.layout} "
                                   f"tensor of shape {self._onnx_shape(value)}; ctnn_import takes the Squeeze of a "
                                   "recurrent output's direction axis, or of a last step's, (axis 1) only")
        if getattr(self, "_last", None) == node.input[0]:
            self._last = node.output[0]
        return node.output[0], _Value(value.shape, layout, value.source_shape, value.recurrent)

    def _last_step(self, node, attrs, value, out):
        """A Gather (out[:, -1]) or Slice (out[:, -1:]) of a sequence's last step: the recurrent
        layer that made the sequence, with return_sequences=False."""
        where = _where(node)
        rank = len(self._onnx_shape(value))
        time_axis = {"steps": 1, "time_major": 0}.get(value.layout)
        steps = value.shape[0] if time_axis is not None else None
        layout = None
        if node.op_type == "Gather":
            index = self.g.constant(node, 1, "index")
            axis = int(attrs.get("axis", 0))
            axis = axis + rank if axis < 0 else axis
            if time_axis is not None and axis == time_axis and index.size == 1 and int(index.reshape(())) % steps == \
                    steps - 1 and (index.ndim == 0 or time_axis == 1):
                layout = "flat" if index.ndim == 0 else "last_step"
        else:
            starts, ends, step = (self.g.constant(node, k, what)
                                  for k, what in ((1, "starts"), (2, "ends"), (4, "steps")))
            axes = self._axes(node, attrs, 3, rank)
            axes = tuple(range(len(starts))) if axes is None and starts is not None else axes
            if time_axis == 1 and starts is not None and ends is not None and axes == (1,) \
                    and (step is None or int(step.reshape(-1)[0]) == 1) \
                    and int(starts.reshape(-1)[0]) % steps == steps - 1 and int(ends.reshape(-1)[0]) >= steps:
                layout = "last_step"
        if layout is None:
            raise ImportError_(f"{where}: selects from a {value.layout} tensor of shape {self._onnx_shape(value)} what "
                               "is not its last step (ctnn_import takes out[:, -1] or out[:, -1:] of a batch-first "
                               "sequence, or out[-1] of a time-major one)")
        pending = value.recurrent
        if pending is None or not out or out[-1] is not pending[0]:
            raise ImportError_(f"{where}: takes the last step of a sequence that no recurrent layer returned just "
                               "before it; ctnn takes a last step as a recurrent layer's return_sequences=false only")
        out[-1] = pending[1](False)
        self._last = node.output[0]
        return node.output[0], _Value(out[-1].out_shape, layout)


def _reads_steps(graph):
    """Whether a 2-D per-sample input is a recurrent model's batch-first (N, T, F) rather than a
    Conv1d's (N, C, L): ONNX's shapes are the same, ctnn's (T, F) and (L, C) transposed, so the
    first reader past elementwise operators decides (a Transpose to time-major, a recurrent node)."""
    tensor = graph.input.name
    while True:
        readers = graph.readers.get(tensor, [])
        if any(r.op_type in _RECURRENT_OPS or (r.op_type == "Transpose" and
                                               _ints(_attributes(r), "perm", ()) == (1, 0, 2)) for r in readers):
            return True
        if len(readers) != 1 or readers[0].op_type not in tuple(_ELEMENTWISE) + _SKIPPED:
            return False
        tensor = readers[0].output[0]


def _input_value(shape, graph):
    if len(shape) == 3:
        return _Value((shape[1], shape[2], shape[0]), "image")
    if len(shape) == 2:
        return _Value(shape, "steps") if _reads_steps(graph) else _Value((shape[1], shape[0]), "sequence")
    if len(shape) == 1:
        return _Value(shape, "flat")
    raise ImportError_(f"an input of shape {shape} (per sample); ctnn takes (F), (C, L), (T, F) or (C, H, W)")


def _relayout(layout):
    """The function taking a (N, ...) ONNX array of this layout to ctnn's."""
    if layout == "image":
        return lambda a: np.asarray(a).transpose(0, 2, 3, 1)
    if layout == "sequence":
        return lambda a: np.asarray(a).transpose(0, 2, 1)
    if layout in ("pooled", "last_step"):
        return lambda a: np.asarray(a).reshape(len(a), -1)
    if layout == "time_major":
        return lambda a: np.asarray(a).transpose(1, 0, 2)
    if layout == "rnn_y":
        return lambda a: np.asarray(a)[:, 0].transpose(1, 0, 2)
    if layout == "flat_cf":
        raise ImportError_("the graph ends with a flattened channels-first tensor, whose order ctnn's flatten does not "
                           "keep; end with a Gemm, or drop the final Flatten")
    return lambda a: np.asarray(a)


def import_onnx(path, dims=None):
    """The Imported network of an ONNX file; dims fixes dynamic dimensions by name."""
    try:
        import onnx
    except ImportError as e:
        raise ImportError_(f"reading ONNX needs the onnx package (Debian: python3-onnx): {e}")
    model = onnx.load(path)
    graph = _Graph(model, dims or {})
    value = _input_value(graph.input_shape, graph)
    converter = _Converter(graph)
    layers, _, last, merge = converter.chain(graph.input.name, value)
    if merge is not None:
        raise ImportError_(f"{_where(merge)}: merges a tensor that does not come from this graph's one input path")
    if not layers:
        raise ImportError_("the graph computes nothing ctnn can hold (no layers)")
    return Imported(value.shape, layers, _relayout(value.layout), _relayout(last.layout), path)
