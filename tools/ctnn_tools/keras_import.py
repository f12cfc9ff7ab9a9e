"""A Keras model as TensorFlow.js saves it -- model.json in the "layers-model" format (the Keras
model config and a weights manifest) and its .bin weight shards -- as a ctnn network.

Keras is channels-last, as ctnn is, and its weight layouts are ctnn's, so nothing is transposed:
the work is reading the config faithfully. Each layer's config is checked option by option: an
option that changes what the model computes and that ctnn lacks is refused, never ignored, and
so is an option this module does not know (a newer Keras' feature); what only training reads
(initializers, regularizers, constraints, momentum, dropout inside recurrent layers) is not
carried, since it does not change the outputs. Semantics are Keras 3's where TensorFlow.js
differs (its hard_sigmoid is Keras 2's, which ctnn lacks: refused).

Sequential models are a chain; functional ones ("Model", "Functional") are a graph built from
each layer's inbound_nodes (Keras 2's nested lists, as TensorFlow.js writes them, or Keras 3's
args/keras_history), walked by graph.GraphWalker as the ONNX front end walks its nodes: Add
becomes ctnn::residual (two paths, one possibly the block's input itself) or branches<add>,
Concatenate branches<concatenate>. Every refusal names the layer, its class and why, before
anything is written."""

import json
import math
import os
import re

import numpy as np

from . import layers as L
from .graph import GraphWalker
from .network import Block, Imported, ImportError_

# Keras' activation names -> ctnn's (layers.ACTIVATIONS); Keras 3 calls swish silu.
_ACTIVATIONS = {"linear": "linear", "relu": "relu", "sigmoid": "sigmoid", "tanh": "tanh", "softmax": "softmax",
                "elu": "elu", "gelu": "gelu", "softplus": "softplus", "swish": "silu", "silu": "silu", "selu": "selu",
                "hard_sigmoid": "hard_sigmoid", "gelu_new": "gelu_approximate", "leaky_relu": "leaky_relu"}

# Config keys no layer's outputs depend on: the layer's identity, and what only training reads.
_TRAINING_ONLY = re.compile(r"(name|trainable|.*_initializer|.*_regularizer|.*_constraint|seed|momentum|"
                            r"unit_forget_bias|implementation|use_cudnn|unroll|dropout|recurrent_dropout|"
                            r"input_dim|input_length|autocast|synchronized|fused)$")

_SUPPORTED = ("InputLayer, Dense, Conv2D, Conv1D, DepthwiseConv2D, MaxPooling2D/1D, AveragePooling2D/1D, "
              "GlobalAveragePooling2D/1D, BatchNormalization, Flatten, Dropout, Activation, ReLU, LeakyReLU, ELU, "
              "Softmax, ZeroPadding2D, Add, Concatenate, SimpleRNN, LSTM, GRU")


def _snake(key):
    """batchInputShape -> batch_input_shape: TensorFlow.js writes Python's names, but a config
    written by hand or by an older tfjs may use its JavaScript ones."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).lower()


class _Node:
    """One Keras layer of the model: its name, class, config (snake_case keys), the tensors
    (the names of the layers that made them) it reads, and its weights by short name."""

    def __init__(self, name, class_name, config, inputs):
        self.name, self.class_name, self.inputs = name, class_name, list(inputs)
        self.config = {_snake(k): v for k, v in (config or {}).items()}
        self.weights = {}
        self.used = set()

    def where(self):
        return f"layer '{self.name}' ({self.class_name})"

    def refuse(self, why):
        raise ImportError_(f"{self.where()}: {why}")


# ---- model.json and its weights ----

def _load_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError as e:
        raise ImportError_(f"{path}: cannot read it ({e.strerror})")
    except (ValueError, UnicodeDecodeError) as e:
        raise ImportError_(f"{path}: not JSON ({e})")


def _shape_size(spec, where):
    shape = spec.get("shape")
    if not isinstance(shape, list) or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0
                                              for d in shape):
        raise ImportError_(f"{where}: shape {shape!r} is not a list of sizes")
    return tuple(shape), math.prod(shape)


def _read_weights(path, manifest):
    """{weight name: float32 array} from the manifest's groups: each group's paths (relative to
    model.json) concatenated in order hold its weights one after the other, little-endian. Every
    size is checked against the bytes there before anything is sliced, so a manifest claiming
    more than its files hold is an error naming the weight, never a large allocation."""
    if not isinstance(manifest, list):
        raise ImportError_(f"{path}: 'weightsManifest' is not a list of weight groups")
    base = os.path.dirname(os.path.abspath(path))
    out = {}
    for k, group in enumerate(manifest):
        paths, specs = (group.get("paths"), group.get("weights")) if isinstance(group, dict) else (None, None)
        if not isinstance(paths, list) or not isinstance(specs, list) or not all(isinstance(p, str) for p in paths):
            raise ImportError_(f"{path}: weight group {k} has no 'paths' and 'weights' lists")
        data = bytearray()
        for shard in paths:
            if not os.path.isfile(os.path.join(base, shard)):  # a FIFO or a device would read forever
                raise ImportError_(f"{path}: weight shard '{shard}' is not a regular file")
            try:
                with open(os.path.join(base, shard), "rb") as f:
                    data += f.read()
            except OSError as e:
                raise ImportError_(f"{path}: weight shard '{shard}': cannot read it ({e.strerror})")
        at = 0
        for spec in specs:
            name = spec.get("name") if isinstance(spec, dict) else None
            if not isinstance(name, str):
                raise ImportError_(f"{path}: weight group {k} lists a weight without a name")
            where = f"{path}: weight '{name}'"
            if spec.get("quantization") is not None:
                raise ImportError_(f"{where}: quantized ({spec['quantization'].get('dtype', '?')}); ctnn_import reads "
                                   "float32 weights only (save the model without quantization)")
            if spec.get("dtype", "float32") != "float32":
                raise ImportError_(f"{where}: dtype {spec.get('dtype')!r}; ctnn_import reads float32 weights only")
            shape, count = _shape_size(spec, where)
            if at + 4 * count > len(data):
                raise ImportError_(f"{where}: {'x'.join(map(str, shape)) or 'a scalar'} needs {4 * count} bytes at "
                                   f"offset {at} of its group's shards ({', '.join(paths)}), which hold {len(data)}; "
                                   "the shards are truncated or not this model's")
            if name in out:
                raise ImportError_(f"{where}: listed twice in the manifest")
            out[name] = np.frombuffer(bytes(data[at:at + 4 * count]), dtype="<f4").reshape(shape).astype(np.float32)
            at += 4 * count
        if at != len(data):
            raise ImportError_(f"{path}: weight group {k}: its shards ({', '.join(paths)}) hold {len(data)} bytes, its "
                               f"weights {at}; the shards are not this manifest's")
    return out


def _topology(doc, path):
    """(the Keras model's class_name, its config, keras_version) from model.json."""
    if not isinstance(doc, dict):
        raise ImportError_(f"{path}: not a TensorFlow.js model.json (no object at its top)")
    if doc.get("format", "layers-model") != "layers-model":
        raise ImportError_(f"{path}: format {doc.get('format')!r}; ctnn_import reads TensorFlow.js' 'layers-model' "
                           "(a Keras model), not a TensorFlow graph")
    topology = doc.get("modelTopology")
    if not isinstance(topology, dict):
        raise ImportError_(f"{path}: no 'modelTopology' (a Keras model config)")
    version = str(topology.get("keras_version", ""))
    # tensorflowjs_converter writes {"model_config": {...}, "keras_version": ...}; tfjs' own save
    # the model config itself, with keras_version beside its class_name.
    model = topology.get("model_config", topology)
    if not isinstance(model, dict) or "class_name" not in model:
        raise ImportError_(f"{path}: 'modelTopology' holds no Keras model config (class_name, config)")
    return model["class_name"], model.get("config"), version


def _plain_call(kwargs, where):
    """Refuses a call with keyword arguments that change it (mask=..., training=True)."""
    if isinstance(kwargs, dict) and all(v in (None, False) for v in kwargs.values()):
        return
    raise ImportError_(f"{where}: called with arguments {kwargs!r}; ctnn_import takes layers called on their inputs "
                       "alone")


def _history(entry, where):
    """(layer name, node index, tensor index) of one inbound tensor, in Keras 2's [name, node,
    tensor, kwargs] or Keras 3's {"class_name": "__keras_tensor__", "config": {"keras_history"}}."""
    if isinstance(entry, dict) and entry.get("class_name") == "__keras_tensor__":
        entry = entry.get("config", {}).get("keras_history")
    if isinstance(entry, list) and len(entry) >= 3 and isinstance(entry[0], str):
        if len(entry) > 3 and entry[3] is not None:
            _plain_call(entry[3], where)
        return entry[0], entry[1], entry[2]
    raise ImportError_(f"{where}: an input {entry!r} that is not another layer's output (a constant or a "
                       "Python value); ctnn's layers read the tensors of the graph only")


def _inbound(layer, where):
    """The names of the layers whose outputs this layer of a functional model reads."""
    nodes = layer.get("inbound_nodes", [])
    if not nodes:
        return []
    if len(nodes) > 1:
        raise ImportError_(f"{where}: called {len(nodes)} times (a shared layer); a ctnn layer has one input and "
                           "its own weights")
    node = nodes[0]
    if isinstance(node, dict):  # Keras 3: {"args": [...], "kwargs": {...}}
        _plain_call(node.get("kwargs") or {}, where)
        args = node.get("args", [])
        entries = args[0] if len(args) == 1 and isinstance(args[0], list) and args[0] and \
            not isinstance(args[0][0], str) else args
    else:
        entries = node
    out = []
    for entry in entries:
        name, node_index, tensor_index = _history(entry, where)
        if node_index != 0 or tensor_index != 0:
            raise ImportError_(f"{where}: reads output {tensor_index} of call {node_index} of layer '{name}'; ctnn's "
                               "layers have one output and are called once")
        out.append(name)
    return out


def _endpoints(config, key, where):
    """The one layer named by config[key] (input_layers, output_layers)."""
    value = config.get(key)
    if isinstance(value, list) and len(value) == 3 and isinstance(value[0], str):
        value = [value]  # Keras 3 writes a single endpoint bare
    if not isinstance(value, list) or len(value) != 1:
        count = len(value) if isinstance(value, list) else 0
        raise ImportError_(f"{where}: {count} {key.split('_')[0]}s; a ctnn network has one input and one output")
    name, node_index, tensor_index = _history(value[0], where)
    if node_index != 0 or tensor_index != 0:
        raise ImportError_(f"{where}: its {key.split('_')[0]} is output {tensor_index} of call {node_index} of "
                           f"'{name}'")
    return name


class _Graph:
    """The model as nodes (one per Keras layer) and readers: Sequential as a chain from its
    input, functional models from their inbound nodes."""

    def __init__(self, class_name, config, path):
        where = f"{path}: the model ({class_name})"
        if class_name == "Sequential":
            items = config.get("layers") if isinstance(config, dict) else config  # Keras 2.1 wrote the list itself
            if not isinstance(items, list) or not items:
                raise ImportError_(f"{where} has no layers")
            nodes, previous = [], None
            for k, item in enumerate(items):
                cfg = item.get("config") or {}
                node = _Node(cfg.get("name", f"layer_{k}"), item.get("class_name"), cfg, [previous] if previous else [])
                if previous is None and node.class_name != "InputLayer":
                    # tfjs and Keras 2 give a Sequential's first layer the input's shape
                    # instead of an InputLayer: made explicit here.
                    shape = {_snake(key): v for key, v in cfg.items()}
                    inputs = _Node(f"{node.name}_input", "InputLayer",
                                   {key: shape[key] for key in ("batch_input_shape", "batch_shape", "input_shape")
                                    if key in shape}, [])
                    nodes.append(inputs)
                    node.inputs = [inputs.name]
                nodes.append(node)
                previous = node.name
            self.input, self.output = nodes[0].name, nodes[-1].name
        elif class_name in ("Model", "Functional"):
            if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
                raise ImportError_(f"{where} has no layers")
            nodes = []
            for k, item in enumerate(config["layers"]):
                name = item.get("name") or (item.get("config") or {}).get("name") or f"layer_{k}"
                nodes.append(_Node(name, item.get("class_name"), item.get("config"),
                                   _inbound(item, f"layer '{name}' ({item.get('class_name')})")))
            self.input = _endpoints(config, "input_layers", where)
            self.output = _endpoints(config, "output_layers", where)
        else:
            raise ImportError_(f"{where}: class {class_name!r}; ctnn_import reads Sequential and functional "
                               "(Model, Functional) Keras models")
        self.nodes = {}
        for node in nodes:
            if node.name in self.nodes:
                raise ImportError_(f"{node.where()}: a second layer of that name")
            self.nodes[node.name] = node
        self.readers = {}
        for node in nodes:
            for name in node.inputs:
                if name not in self.nodes:
                    raise ImportError_(f"{node.where()}: reads layer '{name}', which the model does not have")
                self.readers.setdefault(name, []).append(node)
        if self.input not in self.nodes or self.nodes[self.input].class_name != "InputLayer":
            raise ImportError_(f"{where}: its input '{self.input}' is not one of its InputLayers")
        if self.output not in self.nodes:
            raise ImportError_(f"{where}: its output '{self.output}' is not one of its layers")
        inputs = [n.name for n in nodes if n.class_name == "InputLayer"]
        if len(inputs) != 1:
            raise ImportError_(f"{where}: {len(inputs)} InputLayers ({', '.join(inputs)}); a ctnn network has one "
                               "input")

    def attach(self, weights, path):
        """Gives each layer its weights: a weight belongs to the layer its name's path names
        ("dense_Dense1/kernel", "lstm/lstm_cell/kernel", "model/conv2d/bias"), the nearest
        component to the weight's own name that is a layer's."""
        for full, array in weights.items():
            parts = re.sub(r":\d+$", "", full).split("/")
            owner = next((p for p in reversed(parts[:-1]) if p in self.nodes), None)
            if owner is None:
                raise ImportError_(f"{path}: weight '{full}' belongs to no layer of the model (its name names none)")
            node = self.nodes[owner]
            if parts[-1] in node.weights:
                node.refuse(f"two weights named '{parts[-1]}' in the manifest")
            node.weights[parts[-1]] = array


def _input_shape(node):
    cfg = node.config
    if "batch_input_shape" in cfg or "batch_shape" in cfg:
        shape = cfg.get("batch_input_shape", cfg.get("batch_shape"))
        shape = shape[1:] if isinstance(shape, list) else shape
    else:
        shape = cfg.get("input_shape")
    if not isinstance(shape, list) or not shape or not all(isinstance(d, int) and d > 0 for d in shape):
        node.refuse(f"input shape {shape!r} (per sample); ctnn's shapes are fixed at compile time: every dimension "
                    "but the batch must be known")
    if len(shape) > 3:
        node.refuse(f"a {len(shape)}-D input {tuple(shape)}; ctnn takes vectors, sequences (steps, features) and "
                    "images (height, width, channels)")
    for key, ok in (("dtype", lambda v: v in (None, "float32") or (isinstance(v, dict) and _policy(v) == "float32")),
                    ("sparse", lambda v: not v), ("ragged", lambda v: not v)):
        if not ok(cfg.get(key)):
            node.refuse(f"{key}={cfg.get(key)!r}; ctnn's inputs are dense float32 tensors")
    return tuple(shape)


def _policy(dtype):
    """A Keras 3 DTypePolicy's name ('float32', 'mixed_float16'), or a plain dtype string."""
    if isinstance(dtype, dict):
        return (dtype.get("config") or {}).get("name")
    return dtype


# ---- one layer ----

def _channels_last(value):
    return value in (None, "channels_last")


_DATA_FORMAT = ("data_format", None, _channels_last,
                "ctnn is channels-last (Keras' default); save the model with data_format='channels_last'")


def _last_axis(rank):
    """ok(axis) for an axis option that must name the last axis of a rank-`rank` sample: -1, or
    rank counting the batch (tfjs writes its Softmax's default as 1, a vector's last axis)."""
    return lambda v: (v[0] if isinstance(v, list) and len(v) == 1 else v) in (-1, rank)


class _Converter(GraphWalker):
    def __init__(self, graph, keras_version):
        self.g = graph
        self.output = graph.output
        self.visited = set()
        # hard_sigmoid is clip(0.2 z + 0.5, 0, 1) in TensorFlow.js ("tfjs-layers 4.22.0") and
        # Keras 2, relu6(z + 3) / 6 in Keras 3 and ctnn.
        self.keras3 = keras_version.startswith("3.")
        self.producer = f"Keras {keras_version}" if keras_version and keras_version[0].isdigit() else \
            (keras_version or "a Keras of unknown version")
        # A GRU config without reset_after: Keras 2 (tf.keras) and 3 default to True, TensorFlow.js
        # (which always writes it) has only False.
        self.gru_reset_after = not keras_version.startswith("tfjs")

    def readers(self, tensor):
        return self.g.readers.get(tensor, [])

    def dynamic_inputs(self, node):
        return node.inputs

    def merges(self, node):
        return node.class_name in ("Add", "Concatenate")

    def where(self, node):
        return node.where()

    # -- config --

    def _options(self, node, handled, checks=()):
        """Refuses what the config asks that ctnn lacks. checks: (key, default, ok(value), why);
        handled: the keys the converter reads; any other key that is not training-only must be
        unset (None, False, 0, empty)."""
        cfg = node.config
        if _policy(cfg.get("dtype")) not in (None, "float32"):
            node.refuse(f"dtype {_policy(cfg.get('dtype'))!r}; ctnn computes in float32 (a mixed-precision layer "
                        "computes in float16, and gives other outputs)")
        for key, default, ok, why in checks:
            value = cfg.get(key, default)
            if not ok(value):
                node.refuse(f"{key}={value!r}: {why}")
        known = set(handled) | {key for key, *_ in checks} | {"dtype", "batch_input_shape", "batch_shape",
                                                                "input_shape"}
        for key, value in cfg.items():
            if key not in known and not _TRAINING_ONLY.match(key) and value not in (None, False, 0, [], {}, ""):
                node.refuse(f"option {key}={value!r}, which ctnn_import does not know; refused rather than ignored")

    @staticmethod
    def _tuple(node, key, rank, default=None):
        value = node.config.get(key, default)
        if isinstance(value, int) and not isinstance(value, bool):
            value = [value] * rank
        if not isinstance(value, (list, tuple)) or len(value) != rank or \
                not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value):
            node.refuse(f"{key}={node.config.get(key, default)!r}: expected {rank} positive integer"
                        f"{'s' if rank > 1 else ''}")
        return tuple(value)

    def _activation_name(self, node, name):
        """ctnn's name for a Keras activation option."""
        if not isinstance(name, str):
            node.refuse(f"activation {name!r}: a custom or configured activation; ctnn's activations are named ones")
        if name == "hard_sigmoid" and not self.keras3:
            node.refuse(f"activation 'hard_sigmoid' of {self.producer} is clip(0.2 z + 0.5, 0, 1), which ctnn lacks "
                        "(ctnn's hard_sigmoid is Keras 3's relu6(z + 3) / 6); TensorFlow.js' recurrent layers use it "
                        "unless given recurrentActivation: 'sigmoid'")
        if name not in _ACTIVATIONS:
            node.refuse(f"activation {name!r} has no ctnn equivalent (ctnn has: {', '.join(sorted(_ACTIVATIONS))})")
        return _ACTIVATIONS[name]

    def _with_activation(self, node, layer):
        """The layer with its config's activation (Keras' activation= of Dense and the convolutions)."""
        name = self._activation_name(node, node.config.get("activation", "linear"))
        if name != "linear":
            L.set_activation(layer, name, _FUNCTION_ALPHA.get(name))
        return layer

    @staticmethod
    def _weight(node, name, shape):
        if name not in node.weights:
            node.refuse(f"the weights hold no '{name}' (the layer's are: {', '.join(sorted(node.weights)) or 'none'})")
        array = node.weights[name]
        if tuple(array.shape) != tuple(shape):
            node.refuse(f"weight '{name}' has shape {tuple(array.shape)}; the config makes it {tuple(shape)}")
        node.used.add(name)
        return array

    def _bias(self, node, shape):
        return self._weight(node, "bias", shape) if node.config.get("use_bias", True) else None

    @staticmethod
    def _rank(node, value, rank):
        what = {1: "a vector", 2: "a sequence (steps, channels)", 3: "an image (height, width, channels)"}[rank]
        if len(value) != rank:
            node.refuse(f"needs {what}, receives a tensor of shape {value} per sample")

    def _done(self, node):
        unused = sorted(set(node.weights) - node.used)
        if unused:
            node.refuse(f"weights {', '.join(unused)}, which the layer as configured does not have")
        self.visited.add(node.name)

    # -- the walk --

    def merge(self, node, paths, values, value):
        self._options(node, ("axis",) if node.class_name == "Concatenate" else ())
        if node.class_name == "Add":
            if len(set(values)) != 1:
                node.refuse(f"adds tensors of shapes {' and '.join(map(str, values))}; ctnn adds equal shapes only "
                            "(no broadcasting)")
            out = values[0]
            block = Block("add", paths, value, out)
        else:
            rank = len(values[0])
            axis = node.config.get("axis", -1)
            if not _last_axis(rank)(axis) or len({len(v) for v in values}) != 1:
                node.refuse(f"axis={axis} of {rank}-D tensors; ctnn concatenates on the last axis (-1) only")
            if len({v[:-1] for v in values}) != 1:
                node.refuse(f"concatenates tensors of shapes {' and '.join(map(str, values))}, which differ before "
                            "the last axis")
            out = values[0][:-1] + (sum(v[-1] for v in values),)
            block = Block("concatenate", paths, value, out)
        self._done(node)
        return block, node.name, out

    def node(self, node, tensor, value, out):
        convert = _CLASSES.get(node.class_name)
        if convert is None:
            if node.class_name == "InputLayer":
                node.refuse("an input inside the model; a ctnn network has one input")
            if len(node.inputs) > 1:
                node.refuse(f"combines {len(node.inputs)} tensors; ctnn merges paths with Add or Concatenate only")
            node.refuse(f"not supported (supported: {_SUPPORTED})")
        made = convert(self, node, value)
        made = made if isinstance(made, list) else [made]
        out += made
        self._done(node)
        return node.name, made[-1].out_shape if made else value

    # -- the layers, one method per Keras class (_CLASSES) --

    def dense(self, node, value):
        self._options(node, ("units", "activation", "use_bias"))
        if len(value) != 1:
            node.refuse(f"on an input of shape {value}: Keras applies Dense to the last axis, ctnn's dense takes a "
                        "vector; flatten first (or use a Conv1D with kernel_size 1 on a sequence)")
        units = int(node.config["units"])
        return self._with_activation(node, L.dense(value, self._weight(node, "kernel", (value[0], units)),
                                                   self._bias(node, (units,))))

    def conv(self, node, value):
        """Conv2D, Conv1D, DepthwiseConv2D."""
        depthwise, rank = node.class_name == "DepthwiseConv2D", 1 if node.class_name == "Conv1D" else 2
        paddings = ("valid", "same", "causal") if rank == 1 else ("valid", "same")
        self._options(node, ("kernel_size", "strides", "dilation_rate", "activation", "use_bias") +
                      (("depth_multiplier",) if depthwise else ("filters",)), [
                          _DATA_FORMAT,
                          ("groups", 1, lambda v: v in (None, 1), "grouped convolutions have no ctnn equivalent "
                           "(ctnn has groups=1, and DepthwiseConv2D)"),
                          ("padding", "valid", lambda v: v in paddings, f"ctnn pads {', '.join(paddings)}")])
        self._rank(node, value, rank + 1)
        kernel_size = self._tuple(node, "kernel_size", rank)
        strides = self._tuple(node, "strides", rank, 1)
        dilation = self._tuple(node, "dilation_rate", rank, 1)
        padding = node.config.get("padding", "valid")
        if any(d > 1 for d in dilation) and any(s > 1 for s in strides):
            node.refuse(f"dilation_rate {dilation} with strides {strides}; ctnn, as Keras, dilates with stride 1 only")
        span = tuple((k - 1) * d + 1 for k, d in zip(kernel_size, dilation))
        if padding == "valid" and any(s > n for s, n in zip(span, value)):
            node.refuse(f"a kernel spanning {span} on an input of shape {value} ('valid' padding): no output")
        channels = value[-1]
        if depthwise:
            multiplier = int(node.config.get("depth_multiplier", 1))
            kernel = self._weight(node, "depthwise_kernel", kernel_size + (channels, multiplier))
            layer = L.depthwise_conv2d(value, kernel, self._bias(node, (channels * multiplier,)), strides, padding,
                                       dilation)
        else:
            filters = int(node.config["filters"])
            kernel = self._weight(node, "kernel", kernel_size + (channels, filters))
            bias = self._bias(node, (filters,))
            layer = L.conv2d(value, kernel, bias, strides, padding, dilation) if rank == 2 else \
                L.conv1d(value, kernel, bias, strides[0], padding, dilation[0])
        return self._with_activation(node, layer)

    def pool(self, node, value):
        """MaxPooling2D/1D, AveragePooling2D/1D."""
        rank = 1 if node.class_name.endswith("1D") else 2
        self._options(node, ("pool_size", "strides"), [
            _DATA_FORMAT, ("padding", "valid", lambda v: v == "valid", "ctnn pools valid windows only")])
        self._rank(node, value, rank + 1)
        window = self._tuple(node, "pool_size", rank, 2)
        strides = window if node.config.get("strides") is None else self._tuple(node, "strides", rank)
        if any(w > n for w, n in zip(window, value)):
            node.refuse(f"a pool window {window} larger than its input {value}")
        kind = ("max_pooling" if node.class_name.startswith("Max") else "average_pooling") + f"{rank}d"
        return L.pool(kind, value, window, strides)

    def global_average_pool(self, node, value):
        """GlobalAveragePooling2D/1D."""
        self._options(node, (), [_DATA_FORMAT, ("keepdims", False, lambda v: not v,
                                                "ctnn's global pooling gives the channels as a vector")])
        self._rank(node, value, 2 if node.class_name.endswith("1D") else 3)
        return L.global_average_pool(value)

    def batch_normalization(self, node, value):
        rank = len(value)
        self._options(node, ("epsilon", "center", "scale"), [
            ("axis", -1, _last_axis(rank), f"ctnn normalizes the last axis (-1, or {rank} here) only"),
            ("renorm", False, lambda v: not v, "batch renormalization has no ctnn equivalent"),
            ("virtual_batch_size", None, lambda v: v is None, "ghost batch normalization has no ctnn equivalent"),
            ("adjustment", None, lambda v: v is None, "an adjustment function has no ctnn equivalent")])
        channels = (value[-1],)
        gamma = self._weight(node, "gamma", channels) if node.config.get("scale", True) else None
        beta = self._weight(node, "beta", channels) if node.config.get("center", True) else None
        mean = self._weight(node, "moving_mean", channels)
        variance = self._weight(node, "moving_variance", channels)
        return L.batch_normalization(value, gamma, beta, mean, variance, float(node.config.get("epsilon", 1e-3)))

    def flatten(self, node, value):
        self._options(node, (), [_DATA_FORMAT])
        return L.flatten(value)

    def dropout(self, node, value):
        self._options(node, ("rate",), [("noise_shape", None, lambda v: v is None,
                                         "a dropout mask shared across axes has no ctnn equivalent")])
        return L.dropout(value, float(node.config.get("rate", 0.0)))

    def activation(self, node, value):
        self._options(node, ("activation",))
        name = self._activation_name(node, node.config.get("activation", "linear"))
        return [] if name == "linear" else L.activation(name, value, _FUNCTION_ALPHA.get(name))

    def relu(self, node, value):
        self._options(node, (), [
            ("max_value", None, lambda v: v is None, "a capped ReLU (relu6, ...) has no ctnn equivalent"),
            ("negative_slope", 0.0, lambda v: not v, "use LeakyReLU (ctnn::leaky_relu) for a negative slope"),
            ("threshold", 0.0, lambda v: not v, "a ReLU threshold has no ctnn equivalent")])
        return L.activation("relu", value)

    def leaky_relu(self, node, value):
        # tfjs and Keras 2 call the slope alpha, Keras 3 negative_slope; Keras' default is 0.3
        self._options(node, ("alpha", "negative_slope"))
        alpha = node.config.get("negative_slope", node.config.get("alpha", 0.3))
        return L.activation("leaky_relu", value, float(alpha))

    def elu(self, node, value):
        self._options(node, ("alpha",))
        return L.activation("elu", value, float(node.config.get("alpha", 1.0)))

    def softmax(self, node, value):
        rank = len(value)
        self._options(node, (), [("axis", -1, _last_axis(rank),
                                  f"ctnn's softmax is over the last axis (-1, or {rank} here) only")])
        return L.activation("softmax", value)

    def zero_padding2d(self, node, value):
        self._options(node, ("padding",), [_DATA_FORMAT])
        self._rank(node, value, 3)
        padding = node.config.get("padding", 1)
        if isinstance(padding, int):
            padding = [[padding, padding], [padding, padding]]
        elif isinstance(padding, list) and len(padding) == 2 and all(isinstance(p, int) for p in padding):
            padding = [[padding[0], padding[0]], [padding[1], padding[1]]]
        if not (isinstance(padding, list) and len(padding) == 2 and
                all(isinstance(p, list) and len(p) == 2 and all(isinstance(v, int) and v >= 0 for v in p)
                    for p in padding)):
            node.refuse(f"padding={node.config.get('padding')!r}: expected an int, (h, w) or ((top, bottom), "
                        "(left, right))")
        (top, bottom), (left, right) = padding
        return L.zero_padding2d(value, top, bottom, left, right)

    def recurrent(self, node, value):
        """SimpleRNN, LSTM, GRU."""
        kind = {"SimpleRNN": "simple_rnn", "LSTM": "lstm", "GRU": "gru"}[node.class_name]
        gates = L.RECURRENT[kind]
        self._options(node, ("units", "activation", "use_bias", "return_sequences", "go_backwards") +
                      (("recurrent_activation",) if gates > 1 else ()) + (("reset_after",) if kind == "gru" else ()), [
                          ("return_state", False, lambda v: not v, "a ctnn layer has one output"),
                          ("stateful", False, lambda v: not v, "a stateful layer carries its state from one batch to "
                           "the next; ctnn's predict starts every sequence from zeros (model::step streams)"),
                          ("time_major", False, lambda v: not v, "ctnn's sequences are (steps, features) per sample")])
        if len(value) != 2:
            node.refuse(f"needs a sequence (steps, features), receives {value}; a recurrent layer before it needs "
                        "return_sequences=True")
        units = int(node.config["units"])
        reset_after = bool(node.config.get("reset_after", self.gru_reset_after)) if kind == "gru" else True
        activation = self._activation_name(node, node.config.get("activation", "tanh"))
        recurrent_activation = self._activation_name(node, node.config.get("recurrent_activation", "sigmoid")) \
            if gates > 1 else "sigmoid"
        if "leaky_relu" in (activation, recurrent_activation):
            # Keras' leaky_relu function has slope 0.2, a ctnn cell's leaky_relu 0.3, set on no
            # member ctnn_import knows how to reach
            node.refuse("activation 'leaky_relu' inside a recurrent cell: its slope (Keras' 0.2) cannot be set there")
        kernel = self._weight(node, "kernel", (value[1], gates * units))
        recurrent_kernel = self._weight(node, "recurrent_kernel", (units, gates * units))
        bias = self._bias(node, (2, 3 * units) if kind == "gru" and reset_after else (gates * units,))
        try:
            return L.recurrent(kind, value, kernel, recurrent_kernel, bias, activation, recurrent_activation,
                               bool(node.config.get("return_sequences", False)),
                               bool(node.config.get("go_backwards", False)), reset_after)
        except ImportError_ as e:
            node.refuse(str(e))


# The leaky_relu activation function's slope where Keras 3 names it as an activation= string
# (keras.activations.leaky_relu: negative_slope=0.2; the LeakyReLU layer's default is 0.3).
_FUNCTION_ALPHA = {"leaky_relu": 0.2}

# Keras class -> the converter's method for it.
_CLASSES = {"Dense": _Converter.dense, "Conv2D": _Converter.conv, "Conv1D": _Converter.conv,
            "DepthwiseConv2D": _Converter.conv, "MaxPooling2D": _Converter.pool, "MaxPooling1D": _Converter.pool,
            "AveragePooling2D": _Converter.pool, "AveragePooling1D": _Converter.pool,
            "GlobalAveragePooling2D": _Converter.global_average_pool,
            "GlobalAveragePooling1D": _Converter.global_average_pool,
            "BatchNormalization": _Converter.batch_normalization, "Flatten": _Converter.flatten,
            "Dropout": _Converter.dropout, "Activation": _Converter.activation, "ReLU": _Converter.relu,
            "LeakyReLU": _Converter.leaky_relu, "ELU": _Converter.elu, "Softmax": _Converter.softmax,
            "ZeroPadding2D": _Converter.zero_padding2d, "SimpleRNN": _Converter.recurrent,
            "LSTM": _Converter.recurrent, "GRU": _Converter.recurrent}


def import_keras(path):
    """The Imported network of a TensorFlow.js layers-model model.json (its weight shards beside it)."""
    try:
        return _import(path)
    except (AttributeError, TypeError, KeyError, IndexError) as e:
        # model.json is data from elsewhere: a structure other than Keras' (a list where a dict
        # belongs, a missing key) surfaces deep in the reading as one of these; it is the file's
        # fault, reported as such rather than as a traceback.
        raise ImportError_(f"{path}: not a Keras model config as TensorFlow.js writes it ({type(e).__name__}: {e})")


def _import(path):
    doc = _load_json(path)
    class_name, config, version = _topology(doc, path)
    graph = _Graph(class_name, config, path)
    if "weightsManifest" not in doc:
        raise ImportError_(f"{path}: no 'weightsManifest'; ctnn_import needs the weights (a TensorFlow.js model.json "
                           "as model.save or tensorflowjs_converter writes it)")
    graph.attach(_read_weights(path, doc["weightsManifest"]), path)
    source = graph.nodes[graph.input]
    shape = _input_shape(source)
    if source.weights:
        source.refuse(f"weights ({', '.join(sorted(source.weights))}) on an input")
    converter = _Converter(graph, version)
    layers, _, _, merge = converter.chain(graph.input, shape)
    if merge is not None:
        merge.refuse("merges a tensor that does not come from the model's one input path")
    if not layers:
        raise ImportError_(f"{path}: the model computes nothing ctnn can hold (no layers)")
    for node in graph.nodes.values():
        if node.name != graph.input and node.name not in converter.visited:
            node.refuse("is not on the way from the model's input to its output")
    # Keras and ctnn share the channels-last layout: the framework's arrays are ctnn's as they are.
    return Imported(shape, layers, np.asarray, np.asarray, path)
