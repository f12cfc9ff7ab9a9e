"""An ONNX model (as torch.onnx.export writes it, opset 13 and later) as a ctnn network.

The graph is walked from its one input. A tensor read by one node continues the chain; a tensor
read by several starts a block: each reader's chain is followed until the chains meet at one
Add (ctnn::residual when two paths, one of them possibly the input itself) or Concat over the
channels (ctnn::branches<concatenate>). Layouts are converted as the walk goes: ONNX images are
(N, C, H, W) and 1-D sequences (N, C, L), ctnn's channels last, so kernels are transposed
((O, I, kh, kw) -> (kh, kw, I, O)) and a Flatten of a channels-first image is remembered until
the Gemm/MatMul that reads it, whose rows are permuted from PyTorch's (C, H, W) order to ctnn's
(H, W, C). Every refusal names the node, its operator and why, before anything is written."""

import numpy as np

from . import layers as L
from .graph import GraphWalker
from .network import Block, Imported, ImportError_

# How a tensor's data is laid out, beside its ctnn shape:
#   "image"   ONNX (N, C, H, W) = ctnn (H, W, C);      "sequence" ONNX (N, C, L) = ctnn (L, C)
#   "flat"    (N, F), the same order in both;           "flat_cf"  (N, F) flattened channels-first
#   "pooled"  ONNX (N, C, 1, 1) or (N, C, 1) = ctnn (C)
_ELEMENTWISE = {"Relu": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh", "LeakyRelu": "leaky_relu", "Elu": "elu",
                "Softplus": "softplus", "Gelu": "gelu"}
_ONNX_ALPHA = {"LeakyRelu": 0.01, "Elu": 1.0}
_SKIPPED = ("Identity", "Dropout")


class _Value:
    """A tensor of the walk: its ctnn shape, its layout, and for flat_cf the channels-first
    (C, ...) shape it was flattened from."""

    def __init__(self, shape, layout, source_shape=None):
        self.shape, self.layout, self.source_shape = tuple(shape), layout, source_shape


def _attributes(node):
    import onnx
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


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
        self.readers = {}
        for node in self.nodes:
            for name in node.input:
                if name and name not in self.constants:
                    self.readers.setdefault(name, []).append(node)

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
        return [name for name in node.input if name and name not in self.constants]


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
        else:
            raise ImportError_(f"{where}: not supported (supported: Gemm, MatMul, Add of a constant after MatMul, Conv, "
                               "MaxPool, AveragePool, GlobalAveragePool, BatchNormalization, Relu, LeakyRelu, Elu, "
                               "Sigmoid, Tanh, Softplus, Softmax, Gelu and its Erf pattern, Flatten, Reshape to "
                               "(N, -1), Add and Concat of paths, Dropout, Identity)")
        layer, layout, result = made if len(made) == 3 else made + (node.output[0],)
        out.append(layer)
        self._last = result
        return result, _Value(layer.out_shape, layout)

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
        if value.layout == "flat_cf":  # rows in the channels-first order -> ctnn's channels-last order
            c, *spatial = value.source_shape
            w = w.reshape((c, *spatial, -1)).transpose(tuple(range(1, len(spatial) + 1)) + (0, len(spatial) + 1))
            w = w.reshape(features, -1)
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
        if int(attrs.get("training_mode", 0)):
            raise ImportError_(f"{where}: training_mode=1; export the model in eval mode")
        scale, bias, mean, var = (self.g.constant(node, k, what) for k, what in
                                  ((1, "scale"), (2, "bias"), (3, "mean"), (4, "variance")))
        if mean.size != value.shape[-1]:
            raise ImportError_(f"{where}: statistics for {mean.size} channels, the input has {value.shape[-1]}")
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
        if value.layout == "pooled":
            return node.output[0], _Value(value.shape, "flat")
        layer = L.flatten(value.shape)
        out.append(layer)
        source = (value.shape[-1],) + value.shape[:-1]  # (C, H, W) or (C, L)
        return node.output[0], _Value(layer.out_shape, "flat_cf", source)


def _input_value(shape):
    if len(shape) == 3:
        return _Value((shape[1], shape[2], shape[0]), "image")
    if len(shape) == 2:
        return _Value((shape[1], shape[0]), "sequence")
    if len(shape) == 1:
        return _Value(shape, "flat")
    raise ImportError_(f"an input of shape {shape} (per sample); ctnn takes (F), (C, L) or (C, H, W)")


def _relayout(layout):
    """The function taking a (N, ...) ONNX array of this layout to ctnn's."""
    if layout == "image":
        return lambda a: np.asarray(a).transpose(0, 2, 3, 1)
    if layout == "sequence":
        return lambda a: np.asarray(a).transpose(0, 2, 1)
    if layout == "pooled":
        return lambda a: np.asarray(a).reshape(len(a), -1)
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
    value = _input_value(graph.input_shape)
    converter = _Converter(graph)
    layers, _, last, merge = converter.chain(graph.input.name, value)
    if merge is not None:
        raise ImportError_(f"{_where(merge)}: merges a tensor that does not come from this graph's one input path")
    if not layers:
        raise ImportError_("the graph computes nothing ctnn can hold (no layers)")
    return Imported(value.shape, layers, _relayout(value.layout), _relayout(last.layout), path)
