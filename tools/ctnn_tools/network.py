"""A ctnn network as the tools see it: its layers (and blocks), the network description ctnn
computes at compile time (docs/format.md, "The network description"), its fingerprint, Keras'
layer names, the weight file's tensors and the C++ type.

One implementation for every tool: tools/export_pytorch.py and tools/ctnn_import both build
Layer and Block objects and describe, name and spell them here."""


class ImportError_(ValueError):
    """A model or argument a tool cannot turn into a ctnn network (the message names what and why)."""


def fnv1a_64(data: bytes) -> int:
    h = 0xCBF29CE484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def dims(shape) -> str:
    return "x".join(str(int(d)) for d in shape)


def float_literal(x: float) -> str:
    """A C++ float literal that reads back as x (rounded to float)."""
    text = repr(float(x))
    return text + ("f" if ("." in text or "e" in text) else ".0f")


class Layer:
    """One ctnn layer: what the description, the C++ type, the weight file and the float64
    reference evaluation (ctnn_tools.reference) need.

    kind: Keras' kind (the description's); cpp: a callable(activation) -> the C++ spelling;
    activation: the ctnn activation name for layers that have one; params: (name, array in ctnn
    layout, float32) in ctnn's order; state: (name, array) float64 layer state (batch
    normalization's moving statistics); runtime: (member, C++ literal) run-time hyperparameters
    set on the bound layer (`epsilon`, `activation.alpha`); attrs: what the reference evaluation
    reads (alpha, epsilon, ...)."""

    is_block = False

    def __init__(self, kind, in_shape, out_shape, cpp):
        self.kind = kind
        self.in_shape = tuple(int(d) for d in in_shape)
        self.out_shape = tuple(int(d) for d in out_shape)
        self.cpp = cpp
        self.activation = None
        self.window = self.strides = self.padding = self.rate = None
        self.dilation = None          # conv1d's dilation_rate (an int); conv2d's (dh, dw) when not 1x1
        self.depth_multiplier = None  # depthwise_conv2d
        self.words = []               # (key, value) after the others: recurrent layers' options
        self.params = []
        self.state = []
        self.runtime = []
        self.attrs = {}
        self.folded = False           # an activation was folded into it
        self.streaming_state = 0      # floats of state a streaming layer carries between steps

    def describe(self) -> str:
        fields = [f"in={dims(self.in_shape)}", f"out={dims(self.out_shape)}"]
        if self.activation is not None:
            fields.append(f"activation={self.activation}")
        if self.window is not None:
            fields.append(f"window={dims(self.window)}")
        if self.strides is not None:
            fields.append(f"strides={dims(self.strides)}")
        if self.padding is not None:
            fields.append(f"padding={dims(self.padding) if isinstance(self.padding, tuple) else self.padding}")
        if self.dilation is not None:
            fields.append(f"dilation_rate={dims(self.dilation) if isinstance(self.dilation, tuple) else self.dilation}")
        if self.depth_multiplier is not None:
            fields.append(f"depth_multiplier={self.depth_multiplier}")
        if self.rate is not None:
            fields.append(f"rate={self.rate}")
        fields += [f"{key}={value}" for key, value in self.words]
        fields += [f"{name}={dims(array.shape)}" for name, array in self.params]
        return f"{self.kind}({','.join(fields)})"

    def spelling(self) -> str:
        return self.cpp(self.activation)


class Block:
    """ctnn::residual (merge add, a second path that is the shortcut or empty) or
    ctnn::branches<Merge, ctnn::path<...>...>: paths are lists of Layer/Block, merge is ctnn's
    merge name (add, concatenate, ...)."""

    is_block = True

    def __init__(self, merge, paths, in_shape, out_shape):
        self.merge = merge
        self.paths = [list(p) for p in paths]
        self.in_shape = tuple(in_shape)
        self.out_shape = tuple(out_shape)
        # add of two paths: ctnn::residual<Body..., [ctnn::shortcut<...>]> (x + body(x) when a path
        # is empty: addition commutes, so the empty path goes second)
        self.kind = "residual" if merge == "add" and len(self.paths) == 2 else "branches"
        if self.kind == "residual" and not self.paths[0]:
            self.paths.reverse()
        if any(not p for p in (self.paths[:1] if self.kind == "residual" else self.paths)):
            raise ImportError_(f"a {merge} of the block's input itself with other paths: ctnn's branches need a layer "
                               "on every path (only an add of two paths may take the input as it is, a residual)")
        self.params, self.state, self.runtime = [], [], []

    def describe(self) -> str:
        text = f"{self.kind}(in={dims(self.in_shape)},out={dims(self.out_shape)},merge={self.merge})"
        for path in self.paths:
            text += ";path" + "".join(";" + layer.describe() for layer in path)
        return text + ";end"

    def spelling(self) -> str:
        def listed(path):
            return ", ".join(layer.spelling() for layer in path)
        if self.kind == "residual":
            if not self.paths[1]:
                return f"ctnn::residual<{listed(self.paths[0])}>"
            return f"ctnn::residual<{listed(self.paths[0])}, ctnn::shortcut<{listed(self.paths[1])}>>"
        merge = "ctnn::concatenate<>" if self.merge == "concatenate" else f"ctnn::{self.merge}"
        return f"ctnn::branches<{merge}, " + ", ".join(f"ctnn::path<{listed(p)}>" for p in self.paths) + ">"


class Imported:
    """What an importer gives the header writer: ctnn's input shape and layers, and how to bring
    the source framework's tensors to ctnn's layout."""

    def __init__(self, input_shape, layers, to_ctnn_input, to_ctnn_output, source):
        self.input_shape, self.layers, self.source = tuple(input_shape), layers, source
        self.to_ctnn_input, self.to_ctnn_output = to_ctnn_input, to_ctnn_output


def describe(input_shape, layers) -> str:
    """The description ctnn::network_description<Network> gives for the same network."""
    return ";".join([f"ctnn/1;input={dims(input_shape)}"] + [layer.describe() for layer in layers])


def fingerprint(description: str) -> int:
    return fnv1a_64(description.encode("ascii"))


def walk(layers, accessor="model.layer<{}>()", template=""):
    """(layer, C++ expression reaching its bound object from `model`) for every layer and block,
    blocks opened, in the order ctnn's visit_layers (and Keras' functional model) lists them."""
    for index, layer in enumerate(layers):
        here = accessor.format(index)
        yield layer, here
        if layer.is_block:
            for k, path in enumerate(layer.paths):
                yield from walk(path, "std::get<{}>(" + here + f".{template}path_layers<{k}>())", template)


def names(layers):
    """Keras-style names, one per walk() entry: dense, dense_1, ... per kind."""
    seen, out = {}, []
    for layer, _ in walk(layers):
        kind = layer.kind
        count = seen.get(kind, 0)
        out.append(kind if count == 0 else f"{kind}_{count}")
        seen[kind] = count + 1
    return out


def tensors(layers):
    """The weight file's parameter tensors (float32) and layer state (float64), named."""
    params, state = [], []
    for (layer, _), name in zip(walk(layers), names(layers)):
        params += [(f"{name}/{p}", a) for p, a in layer.params]
        state += [(f"{name}/{s}", a) for s, a in layer.state]
    return params, state


def runtime_statements(layers, model="model", dependent=False):
    """C++ statements setting every run-time hyperparameter on `model` (an expression of a
    dependent type inside a template when dependent: `.template layer<I>()`)."""
    out = []
    template = "template " if dependent else ""
    for layer, accessor in walk(layers, f"{model}.{template}layer<{{}}>()", template):
        out += [f"{accessor}.{member} = {value};" for member, value in layer.runtime]
    return out


def cpp_type(input_shape, layers, name="network"):
    """The C++ alias of the network."""
    entries = [f"ctnn::input<{', '.join(str(d) for d in input_shape)}>"] + [layer.spelling() for layer in layers]
    indent = " " * len(f"using {name} = ctnn::sequential<")
    return f"using {name} = ctnn::sequential<" + (",\n" + indent).join(entries) + ">;\n"
