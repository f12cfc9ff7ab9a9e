#!/usr/bin/env python3
"""Golden outputs for ctnn's recurrent layers (simple_rnn, lstm, gru), computed in float64 with
PyTorch's nn.RNN / nn.LSTM / nn.GRU from weights in Keras' layout. Writes
tests/layers/recurrent_reference.inc, which tests/layers/recurrent_reference.hpp includes; CTest
runs this script with --check to make sure the checked-in file is what it writes.

Keras 3 (keras/src/layers/rnn/{simple_rnn,lstm,gru}.py) against PyTorch:
  kernel (features, k units) and recurrent_kernel (units, k units) are the transposes of torch's
  weight_ih / weight_hh, gate blocks side by side.
  LSTM: Keras' gates i, f, c, o are torch's i, f, g, o; Keras' one bias is torch's bias_ih, with
      bias_hh zero.
  GRU, reset_after=True: Keras' z, r, h are torch's r, z, n reordered; Keras' bias[0] is torch's
      bias_ih, bias[1] its bias_hh; torch's n = tanh(W_in x + b_in + r (W_hn h + b_hn)) and
      h' = (1 - z) n + z h are Keras' formulas.
  GRU, reset_after=False, hh = tanh(x K_h + b_h + (r h) U_h), is not what torch computes: it is
      computed here by Keras' formulas in numpy.
  go_backwards: the input is reversed in time and the outputs come in the order they are computed
      (Keras' backend.rnn reverses the inputs and stacks the outputs as it goes), so the last
      output is the one after reading the input's first step.
Each case writes the full sequence of outputs (return_sequences=True); return_sequences=False is
its last row. Weights and inputs are rounded to float32 first, so that the C++ test feeds ctnn
exactly the values the reference used.
"""
import os
import sys

N = 2  # samples per case


def cases():
    """(name, layer, steps, features, units, go_backwards, reset_after, use_bias, seed)."""
    return [
        ("lstm_basic", "lstm", 5, 3, 4, False, None, True, 1),
        ("lstm_backwards", "lstm", 4, 2, 3, True, None, True, 2),
        ("lstm_no_bias", "lstm", 3, 2, 5, False, None, False, 3),
        ("gru_reset_after", "gru", 5, 3, 4, False, True, True, 4),
        ("gru_reset_after_backwards", "gru", 4, 2, 3, True, True, True, 5),
        ("gru_reset_before", "gru", 5, 3, 4, False, False, True, 6),
        ("gru_reset_before_backwards", "gru", 4, 3, 3, True, False, True, 7),
        ("simple_rnn_basic", "simple_rnn", 5, 3, 4, False, None, True, 8),
        ("simple_rnn_backwards", "simple_rnn", 4, 2, 5, True, None, True, 9),
    ]


def gates(layer):
    return {"lstm": 4, "gru": 3, "simple_rnn": 1}[layer]


def draw(np, seed, layer, steps, features, units, reset_after, use_bias):
    """Keras-layout values: the recurrent kernel small enough (|rows| summing below 1) that
    rounding errors are damped, not amplified, from step to step."""
    rng = np.random.RandomState(seed)
    k = gates(layer)
    f32 = lambda a: a.astype(np.float32).astype(np.float64)
    x = f32(rng.uniform(-1, 1, (N, steps, features)))
    kernel = f32(rng.uniform(-0.5, 0.5, (features, k * units)))
    recurrent = f32(rng.uniform(-0.8 / units, 0.8 / units, (units, k * units)))
    if not use_bias:
        bias = None
    elif layer == "gru" and reset_after:
        bias = f32(rng.uniform(-0.5, 0.5, (2, k * units)))
    else:
        bias = f32(rng.uniform(-0.5, 0.5, (k * units,)))
    return x, kernel, recurrent, bias


def gru_reorder(np, m, units):
    """Keras' z, r, h blocks (last axis) as torch's r, z, n."""
    z, r, h = m[..., :units], m[..., units:2 * units], m[..., 2 * units:]
    return np.concatenate([r, z, h], axis=-1)


def reference(torch, np, layer, x, kernel, recurrent, bias, units, reset_after, go_backwards):
    n, steps, features = x.shape
    if go_backwards:
        x = x[:, ::-1, :].copy()
    if layer == "gru" and not reset_after:
        sig = lambda v: 1 / (1 + np.exp(-v))
        b = bias if bias is not None else np.zeros(3 * units)
        h = np.zeros((n, units))
        out = []
        for t in range(steps):
            xz = x[:, t] @ kernel + b
            hz = h @ recurrent[:, :2 * units]
            z = sig(xz[:, :units] + hz[:, :units])
            r = sig(xz[:, units:2 * units] + hz[:, units:])
            hh = np.tanh(xz[:, 2 * units:] + (r * h) @ recurrent[:, 2 * units:])
            h = z * h + (1 - z) * hh
            out.append(h)
        return np.stack(out, axis=1)
    use_bias = bias is not None
    if layer == "lstm":
        m = torch.nn.LSTM(features, units, batch_first=True, bias=use_bias)
        w_ih, w_hh = kernel.T, recurrent.T
        b_ih = bias if use_bias else None
        b_hh = np.zeros_like(bias) if use_bias else None
    elif layer == "gru":
        m = torch.nn.GRU(features, units, batch_first=True, bias=use_bias)
        w_ih, w_hh = gru_reorder(np, kernel, units).T, gru_reorder(np, recurrent, units).T
        b_ih = gru_reorder(np, bias[0], units) if use_bias else None
        b_hh = gru_reorder(np, bias[1], units) if use_bias else None
    else:
        m = torch.nn.RNN(features, units, batch_first=True, bias=use_bias, nonlinearity="tanh")
        w_ih, w_hh = kernel.T, recurrent.T
        b_ih = bias if use_bias else None
        b_hh = np.zeros_like(bias) if use_bias else None
    m = m.double()
    with torch.no_grad():
        m.weight_ih_l0.copy_(torch.from_numpy(np.ascontiguousarray(w_ih)))
        m.weight_hh_l0.copy_(torch.from_numpy(np.ascontiguousarray(w_hh)))
        if use_bias:
            m.bias_ih_l0.copy_(torch.from_numpy(np.ascontiguousarray(b_ih)))
            m.bias_hh_l0.copy_(torch.from_numpy(np.ascontiguousarray(b_hh)))
        y, _ = m(torch.from_numpy(x))
    return y.numpy()


def floats(values, suffix):
    return ", ".join(repr(float(v)) + suffix for v in values.reshape(-1))


def render(torch, np):
    lines = ["// Written by tests/layers/recurrent_reference.py: do not edit; run the script.", ""]
    for name, layer, steps, features, units, backwards, reset_after, use_bias, seed in cases():
        x, kernel, recurrent, bias = draw(np, seed, layer, steps, features, units, reset_after, use_bias)
        y = reference(torch, np, layer, x, kernel, recurrent, bias, units, reset_after, backwards)
        lines.append(f"struct {name} {{")
        lines.append(f"  static constexpr std::size_t samples = {N}, steps = {steps}, features = {features}, units = {units};")
        lines.append(f"  static constexpr float x[] = {{{floats(x, 'f')}}};")
        lines.append(f"  static constexpr float kernel[] = {{{floats(kernel, 'f')}}};")
        lines.append(f"  static constexpr float recurrent_kernel[] = {{{floats(recurrent, 'f')}}};")
        b = bias if bias is not None else np.zeros(0)
        lines.append(f"  static constexpr float bias[] = {{{floats(b, 'f') if b.size else '0.0f'}}};")
        lines.append(f"  static constexpr double y[] = {{{floats(y, '')}}};  // samples x steps x units")
        lines.append("};")
        lines.append("")
    return "\n".join(lines)


def main():
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    from torch_python import reference_main
    return reference_main(__file__, "recurrent_reference.inc", lambda torch, np: render(torch, np))


if __name__ == "__main__":
    sys.exit(main())
