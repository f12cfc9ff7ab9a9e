"""A ctnn network evaluated in float64 by NumPy, beside the scale of the error float32 arithmetic
makes computing it: what a test vector's tolerance must allow for.

Written here rather than taken from a framework: the importers run where only NumPy is sure to be
(Debian's python3-onnx 1.12 has no reference evaluator, onnxruntime is not packaged), and the
evaluation must follow ctnn's layouts (channels last, Keras' kernels) and Keras' semantics, which
is what the converted layers mean. It is independent of ctnn's C++: a direct formula per layer.

The error model. A worst-case bound (every rounding the same way, |W|^T amplifying it layer after
layer) is useless past a few layers: for a trained ResNet-style CNN it exceeds the outputs
themselves. So the tolerance follows the probabilistic model of Higham and Mary ("A new approach
to probabilistic rounding error analysis", SISC 2019): each rounding is an independent error of
mean zero and |delta| <= u (u = 2^-24, float32's unit roundoff). The error of a value is then a
sum of independent bounded terms, and Hoeffding's inequality bounds it: P(|error| > lambda s) <=
2 exp(-lambda^2 / 2), where s = sqrt(sum of the squared bounds of the terms), the "scale" this
module propagates with every value, to first order:
  * a dot product of n terms plus a bias (dense, convolutions: n = the window times the channels):
    s_out^2 = (W o W)^T s_in^2 + (n + 1) (u (|W|^T |x| + |b|))^2 -- the input's errors weighted
    by the weights, and n + 1 roundings (the products and the partial sums, each at most u times
    |W|^T |x| + |b|), in any summation order, blocked, vectorized, with or without FMA;
  * an activation f with Lipschitz constant L, evaluated to within ACTIVATION_ROUNDINGS units of
    its scale m (|y|, or 1 where f is bounded): s_out = L s_in + ACTIVATION_ROUNDINGS u m (its own
    error taken whole, not as a random term: library functions need not round at random);
  * softmax over n values p: d log p_i = d z_i - sum_j p_j d z_j, at most 2 max s_in, so
    s_out = p (2 max s_in + (sqrt(n) + ACTIVATION_ROUNDINGS + 2) u);
  * max pooling: the window's largest scale; averages: the k terms' scales in quadrature over k,
    and k + 1 roundings; batch normalization y = (x - mean) s + beta: s_in |s| and 4 roundings;
  * add: the scales in quadrature and one rounding; concatenate, flatten, reshape, dropout, zero
    padding: as they are;
  * a product a b of two computed values: |a| s_b and |b| s_a in quadrature and one rounding;
  * the recurrent layers (SimpleRNN, LSTM, GRU) step by step from a zero state: each gate's
    pre-activation a dot product of features + units terms plus its biases (the input and the
    state weighted by kernel and recurrent_kernel), then the rules above for the activations
    and the cell's products and sums; the state's scale carries into the next step.
tolerance() allows LAMBDA = 10 scales (Hoeffding: a probability under 4e-22 of a float32
computation that follows the model exceeding it) plus the rounding of the stored float32
reference. A layout or conversion mistake is an O(1) error, thousands of times that."""

import math

import numpy as np

U = 2.0 ** -24
ACTIVATION_ROUNDINGS = 8  # xsimd's exp, tanh, erf: within a few ulp; the formula around them a few roundings more
LAMBDA = 10.0


def _quadrature(*terms):
    return np.sqrt(sum(np.square(t) for t in terms))


def _activation(name, z, e, attrs):
    """(f(z), error bound) for ctnn's activation `name` on pre-activations z with error e."""
    alpha = attrs.get("alpha")
    r = ACTIVATION_ROUNDINGS * U
    if name == "linear":
        return z, e
    if name == "relu":
        return np.maximum(z, 0.0), e
    if name == "leaky_relu":
        a = 0.3 if alpha is None else alpha
        return np.where(z >= 0, z, a * z), max(1.0, abs(a)) * e + U * np.abs(a * z)
    if name == "elu":
        a = 1.0 if alpha is None else alpha
        y = np.where(z > 0, z, a * np.expm1(np.minimum(z, 0.0)))
        return y, max(1.0, abs(a)) * e + r * (np.abs(y) + abs(a))
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z)), 0.25 * e + r
    if name == "tanh":
        return np.tanh(z), e + r
    if name == "gelu":
        erf = np.vectorize(math.erf)
        y = 0.5 * z * (1.0 + erf(z / math.sqrt(2.0)))
        return y, 1.13 * e + r * (np.abs(z) + 1.0)  # |gelu'| <= 1.129
    if name == "gelu_approximate":
        y = 0.5 * z * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (z + 0.044715 * z ** 3)))
        return y, 1.13 * e + r * (np.abs(z) + 1.0)  # |f'| <= 1.13, as the exact form's
    if name == "softplus":
        return np.logaddexp(0.0, z), e + r * (np.abs(z) + 1.0)
    if name in ("silu", "swish"):  # ctnn::swish describes itself as "silu" (layers.ACTIVATIONS)
        y = z / (1.0 + np.exp(-z))
        return y, 1.1 * e + r * (np.abs(z) + 1.0)  # |swish'| <= 1.0998
    if name == "selu":
        a, s = 1.6732632423543772, 1.0507009873554805
        y = s * np.where(z > 0, z, a * np.expm1(np.minimum(z, 0.0)))
        return y, s * a * e + r * (np.abs(y) + s * a)
    if name == "hard_sigmoid":
        return np.clip((z + 3.0) / 6.0, 0.0, 1.0), e / 6.0 + r
    if name == "softmax":
        shifted = z - z.max(axis=-1, keepdims=True)
        p = np.exp(shifted)
        p /= p.sum(axis=-1, keepdims=True)
        n = z.shape[-1]
        worst = e.max(axis=-1, keepdims=True) if np.ndim(e) else e
        return p, p * (2.0 * worst + (math.sqrt(n) + ACTIVATION_ROUNDINGS + 2) * U)
    raise ValueError(f"reference: activation {name} is not evaluated here")


def _same_padding(size, kernel, stride, dilation):
    out = (size + stride - 1) // stride
    span = (kernel - 1) * dilation + 1
    total = max((out - 1) * stride + span - size, 0)
    return out, total // 2, total - total // 2


def _windows(x, layer, kernel, strides, dilation):
    """(padded x, output size, [(offset, view)]): for each kernel offset the (N, oh, ow, C) view
    of the input it multiplies; x is (N, H, W, C)."""
    (kh, kw), (sh, sw), (dh, dw) = kernel, strides, dilation
    n, h, w, c = x.shape
    if layer.padding == "same":
        oh, top, bottom = _same_padding(h, kh, sh, dh)
        ow, left, right = _same_padding(w, kw, sw, dw)
        x = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))
    elif layer.padding == "causal":
        left = (kh - 1) * dh  # conv1d as (steps, 1, channels): the steps are the first axis
        x = np.pad(x, ((0, 0), (left, 0), (0, 0), (0, 0)))
        oh, ow = (h - 1) // sh + 1, (w - kw) // sw + 1
    else:
        oh, ow = (h - (kh - 1) * dh - 1) // sh + 1, (w - (kw - 1) * dw - 1) // sw + 1
    views = []
    for i in range(kh):
        for j in range(kw):
            views.append(((i, j), x[:, i * dh:i * dh + (oh - 1) * sh + 1:sh, j * dw:j * dw + (ow - 1) * sw + 1:sw, :]))
    return oh, ow, views


def _as_image(layer, x):
    """A 1-D layer's (N, L, C) as (N, L, 1, C); images as they are."""
    return x[:, :, None, :] if x.ndim == 3 else x


def _conv(layer, x, e):
    one_d = x.ndim == 3
    xi, ei = _as_image(layer, x), _as_image(layer, e)
    kernel = dict(layer.params)["kernel"].astype(np.float64)
    bias = dict(layer.params).get("bias")
    window = tuple(layer.window) + ((1,) if one_d else ())
    strides = tuple(layer.strides) + ((1,) if one_d else ())
    dil = layer.dilation if layer.dilation is not None else 1
    dilation = (dil, 1) if one_d else (tuple(dil) if isinstance(dil, tuple) else (1, 1))
    if one_d:
        kernel = kernel[:, None]  # (k, in, out) -> (k, 1, in, out)
    depthwise = layer.kind == "depthwise_conv2d"
    _, _, views = _windows(xi, layer, window, strides, dilation)
    _, _, error_views = _windows(ei, layer, window, strides, dilation)
    z = m = variance = 0.0
    for ((i, j), xv), (_, ev) in zip(views, error_views):
        w = kernel[i, j]
        if depthwise:  # (in, multiplier): output channel c * multiplier + k
            z = z + (xv[..., :, None] * w).reshape(xv.shape[:-1] + (-1,))
            m = m + (np.abs(xv)[..., :, None] * np.abs(w)).reshape(xv.shape[:-1] + (-1,))
            variance = variance + (np.square(ev)[..., :, None] * np.square(w)).reshape(xv.shape[:-1] + (-1,))
        else:
            z = z + xv @ w
            m = m + np.abs(xv) @ np.abs(w)
            variance = variance + np.square(ev) @ np.square(w)
    terms = window[0] * window[1] * (1 if depthwise else xi.shape[-1])
    if bias is not None:
        z = z + bias
        m = m + np.abs(bias)
    ez = np.sqrt(variance + (terms + 1) * np.square(U * m))
    if one_d:
        z, ez = z[:, :, 0, :], ez[:, :, 0, :]
    return z, ez


def _pool(layer, x, e):
    one_d = x.ndim == 3
    xi, ei = _as_image(layer, x), _as_image(layer, e)
    window = tuple(layer.window) + ((1,) if one_d else ())
    strides = tuple(layer.strides) + ((1,) if one_d else ())
    _, _, views = _windows(xi, layer, window, strides, (1, 1))
    _, _, error_views = _windows(ei, layer, window, strides, (1, 1))
    xs, es = np.stack([v for _, v in views]), np.stack([v for _, v in error_views])
    if layer.kind.startswith("max"):
        y, ey = xs.max(axis=0), es.max(axis=0)
    else:
        y, ey = xs.mean(axis=0), _average_scale(es, np.abs(xs), 0)
    return (y[:, :, 0, :], ey[:, :, 0, :]) if one_d else (y, ey)


def _average_scale(scales, magnitudes, axis):
    """The scale of a mean of k values: their scales in quadrature over k, k + 1 roundings."""
    k = scales.shape[axis] if not isinstance(axis, tuple) else int(np.prod([scales.shape[a] for a in axis]))
    return _quadrature(np.sqrt(np.square(scales).sum(axis=axis)) / k, math.sqrt(k + 1) * U * magnitudes.mean(axis=axis))


def _product(a, ea, b, eb):
    """a b and its scale."""
    return a * b, _quadrature(np.abs(a) * eb, np.abs(b) * ea, U * np.abs(a * b))


def _sum(a, ea, b, eb):
    return a + b, _quadrature(ea, eb, U * (np.abs(a) + np.abs(b)))


def _gate_inputs(x, ex, h, eh, kernel, recurrent_kernel, biases):
    """x kernel + h recurrent_kernel + the biases, and its scale: one dot product."""
    z = x @ kernel + h @ recurrent_kernel + sum(biases)
    m = np.abs(x) @ np.abs(kernel) + np.abs(h) @ np.abs(recurrent_kernel) + sum(np.abs(b) for b in biases)
    terms = kernel.shape[0] + recurrent_kernel.shape[0] + len(biases)
    return z, np.sqrt(np.square(ex) @ np.square(kernel) + np.square(eh) @ np.square(recurrent_kernel) +
                      terms * np.square(U * m))


def _recurrent(layer, x, e):
    """Keras' SimpleRNN, LSTM and GRU (reset_after or not) over (N, steps, features), from a zero
    state; with go_backwards the steps from the last, and the outputs in that order."""
    params, attrs = dict(layer.params), layer.attrs
    kernel = params["kernel"].astype(np.float64)
    recurrent_kernel = params["recurrent_kernel"].astype(np.float64)
    units = recurrent_kernel.shape[0]
    bias = params.get("bias")
    reset_after = layer.kind == "gru" and attrs["reset_after"]
    if bias is None:
        bias = np.zeros((2,) + kernel.shape[1:] if reset_after else kernel.shape[1:])
    bias = bias.astype(np.float64)

    def act(z, ez):
        return _activation(layer.activation, z, ez, {})

    def gate(z, ez):
        return _activation(attrs["recurrent_activation"], z, ez, {})

    def block(g, *arrays):  # gate g's columns
        return [a[..., g * units:(g + 1) * units] for a in arrays]

    h = np.zeros((x.shape[0], units))
    eh = np.zeros_like(h)
    c, ec = np.zeros_like(h), np.zeros_like(h)  # the LSTM's cell state
    none = np.zeros((x.shape[0], 0))  # no operand: a product of the input alone, or of the state alone
    outputs = []
    for t in (range(x.shape[1] - 1, -1, -1) if attrs["go_backwards"] else range(x.shape[1])):
        xt, et = x[:, t, :], e[:, t, :]
        if layer.kind == "simple_rnn":
            h, eh = act(*_gate_inputs(xt, et, h, eh, kernel, recurrent_kernel, [bias]))
        elif layer.kind == "lstm":  # gates i, f, c, o
            z, ez = _gate_inputs(xt, et, h, eh, kernel, recurrent_kernel, [bias])
            i, f, g, o = (gate(*block(0, z, ez)), gate(*block(1, z, ez)), act(*block(2, z, ez)),
                          gate(*block(3, z, ez)))
            c, ec = _sum(*_product(*f, c, ec), *_product(*i, *g))
            h, eh = _product(*o, *act(c, ec))
        else:  # gates z, r, h
            zr = slice(0, 2 * units)
            if reset_after:  # hh = a(x K_h + b_h + r (h U_h + b'_h)); z and r add both biases
                pre, epre = _gate_inputs(xt, et, h, eh, kernel[:, zr], recurrent_kernel[:, zr],
                                         [bias[0, zr], bias[1, zr]])
            else:
                pre, epre = _gate_inputs(xt, et, h, eh, kernel[:, zr], recurrent_kernel[:, zr], [bias[zr]])
            z, r = gate(*block(0, pre, epre)), gate(*block(1, pre, epre))
            if reset_after:
                aux = _gate_inputs(none, none, h, eh, kernel[:0, 2 * units:], recurrent_kernel[:, 2 * units:],
                                   [bias[1, 2 * units:]])
                xk = _gate_inputs(xt, et, none, none, kernel[:, 2 * units:], recurrent_kernel[:0, 2 * units:],
                                  [bias[0, 2 * units:]])
                candidate = act(*_sum(*xk, *_product(*r, *aux)))
            else:  # hh = a(x K_h + b_h + (r h) U_h)
                rh, erh = _product(*r, h, eh)
                candidate = act(*_gate_inputs(xt, et, rh, erh, kernel[:, 2 * units:], recurrent_kernel[:, 2 * units:],
                                              [bias[2 * units:]]))
            keep = (1.0 - z[0], _quadrature(z[1], U * np.abs(1.0 - z[0])))
            h, eh = _sum(*_product(*z, h, eh), *_product(*keep, *candidate))
        outputs.append((h, eh))
    if attrs["return_sequences"]:
        return np.stack([o for o, _ in outputs], axis=1), np.stack([s for _, s in outputs], axis=1)
    return outputs[-1]


def _layer(layer, x, e):
    kind, params = layer.kind, dict(layer.params)
    if layer.is_block:
        outs = [evaluate_layers(path, x, e) for path in layer.paths]
        outs = [o if path else (x, e) for o, path in zip(outs, layer.paths)]
        if layer.merge == "add":
            y = sum(o[0] for o in outs)
            return y, _quadrature(*[o[1] for o in outs], math.sqrt(len(outs) - 1) * U * sum(np.abs(o[0]) for o in outs))
        if layer.merge == "concatenate":
            return np.concatenate([o[0] for o in outs], axis=-1), np.concatenate([o[1] for o in outs], axis=-1)
        raise ValueError(f"reference: merge {layer.merge} is not evaluated here")
    if kind == "dense":
        w = params["kernel"].astype(np.float64)
        b = params.get("bias")
        z = x @ w + (0.0 if b is None else b)
        m = np.abs(x) @ np.abs(w) + (0.0 if b is None else np.abs(b))
        ez = np.sqrt(np.square(e) @ np.square(w) + (w.shape[0] + 1) * np.square(U * m))
        return _activation(layer.activation, z, ez, layer.attrs)
    if kind in ("conv2d", "conv1d", "depthwise_conv2d"):
        z, ez = _conv(layer, x, e)
        return _activation(layer.activation, z, ez, layer.attrs)
    if kind in ("max_pooling2d", "average_pooling2d", "max_pooling1d", "average_pooling1d"):
        return _pool(layer, x, e)
    if kind in ("global_average_pooling2d", "global_average_pooling1d"):
        axes = tuple(range(1, x.ndim - 1))
        return x.mean(axis=axes), _average_scale(e, np.abs(x), axes)
    if kind == "batch_normalization":
        state = dict(layer.state)
        g = params.get("gamma", 1.0)
        beta = params.get("beta", 0.0)
        s = g / np.sqrt(state["moving_variance"] + layer.attrs.get("epsilon", 1e-3))
        centered = x - state["moving_mean"]
        y = centered * s + beta
        return y, _quadrature(np.abs(s) * e,
                              2.0 * U * ((np.abs(x) + np.abs(state["moving_mean"])) * np.abs(s) + np.abs(beta)))
    if kind in ("flatten", "reshape"):
        return x.reshape((x.shape[0],) + layer.out_shape), e.reshape((e.shape[0],) + layer.out_shape)
    if kind == "dropout":
        return x, e
    if kind == "zero_padding2d":
        top, bottom, left, right = layer.padding
        pad = ((0, 0), (top, bottom), (left, right), (0, 0))
        return np.pad(x, pad), np.pad(e, pad)
    if kind in ("simple_rnn", "lstm", "gru"):
        return _recurrent(layer, x, e)
    if layer.activation == kind:  # an activation as a layer
        return _activation(kind, x, e, layer.attrs)
    raise ValueError(f"reference: layer {kind} is not evaluated here")


def evaluate_layers(layers, x, e):
    for layer in layers:
        x, e = _layer(layer, x, e)
    return x, e


def evaluate(layers, inputs):
    """(outputs in float64, their error scale) for inputs (N, *input shape) in ctnn's layout;
    the inputs are taken as float32 (rounded first), as ctnn receives them."""
    x = np.asarray(inputs, dtype=np.float32).astype(np.float64)
    return evaluate_layers(layers, x, np.zeros_like(x))


def tolerance(layers, inputs, reference_in_float32=False):
    """The test vector's atol for these inputs: LAMBDA error scales of ctnn's float32 computation
    (its largest over the outputs), plus the rounding of the stored float32 reference; when the
    reference was itself computed in float32 (TensorFlow.js), its independent error too (the two
    scales in quadrature: sqrt(2))."""
    y, e = evaluate(layers, inputs)
    scale = float(e.max()) * (math.sqrt(2.0) if reference_in_float32 else 1.0)
    return LAMBDA * scale + U * float(np.abs(y).max())
