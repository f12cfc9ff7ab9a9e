#!/usr/bin/env python3
"""PyTorch parity of ctnn's import path, predict and training steps (run by CTest).

For the MLP (784 -> 512 relu -> 10 softmax) and, when ctnn has its conv layers, the CNN
(28x28x1 -> conv2d 32 3x3 relu -> max_pool 2 -> flatten -> dense 64 relu -> dense 10 softmax):
random PyTorch models are exported with tools/export_pytorch.py (which also writes a test
vector ctnn::load checks) and loaded by tests/io/parity/parity_main.cpp, which writes its
predictions, gradients, the weights after one SGD step and after three Adam steps (with the
gradients each Adam step applied). Predictions, gradients and the SGD step are compared with
PyTorch in float64, within limits derived from float32's unit roundoff and the lengths of the
sums involved; the Adam steps are compared, element by element, with ctnn's update rule replayed
in float64 on ctnn's own gradients, within a running bound on float32's error. Also checked: the exporter's network
description equals ctnn::network_description of the C++ type (so the fingerprints agree), and
an numpy.savez_compressed archive of the same weights loads identically (in parity_main).

For the recurrent networks -- "lstm" (8 steps x 5 features -> nn.LSTM 16 -> dense 10 softmax)
and "gru" (-> nn.GRU 16, every step -> nn.RNN 12, the last step -> dense 10 softmax), each
recurrent module wrapped in export_pytorch.Recurrent -- what is tested is the export (gate
order, the transposed kernels, the biases, the description): the exported file's test vector
is checked by ctnn::load, and ctnn's predictions are compared with PyTorch's in float64. Likewise
"conv1d" (3 channels x 21 steps, PyTorch's (C, L) -> nn.Conv1d 8, kernel 3, stride 2, padding 1
(Keras' 'same' here) relu -> MaxPool1d 2 -> nn.Conv1d 6, kernel 3, dilation 2, padding='same' ->
AvgPool1d 3, stride 1 -> Flatten (PyTorch's (C, L) order, permuted in the Linear) -> dense 10 softmax).

Matching the two libraries' conventions:
  * loss: ctnn's softmax + categorical cross-entropy (mean over the batch) = PyTorch's
    CrossEntropyLoss on the logits, so PyTorch trains the model without its final Softmax;
  * Adam: ctnn (as Keras) adds epsilon to the uncorrected sqrt(v), PyTorch to
    sqrt(v) / sqrt(1 - beta2^t); both agree exactly when PyTorch's eps at step t is
    1e-7 / sqrt(1 - beta2^t), which is what this test sets before each step.

Exits 77 (CTest's SKIP_RETURN_CODE) when no Python with torch and numpy is found.
"""

import argparse
import copy
import os
import subprocess
import sys
import tempfile

BATCH = 16
U = 2.0 ** -24  # float32's unit roundoff

# The longest chains of sums in each case (terms of a dot product, a batch or a softmax), for
# (gradients, predict): MLP forward 784 (dense) + 512 (dense) + 10 (softmax), backward 10 (dL/da
# of the hidden layer) + 16 (the batch, in dW); CNN forward 9 (conv) + 5408 (dense) + 64 (dense)
# + 10 (softmax), backward 10 + 64 (dL/da) + 16 x 26 x 26 (the conv kernel's gradient sums over
# the batch and every output position).
REDUCTIONS = {"mlp": (784 + 512 + 10 + 10 + 16, 784 + 512 + 10),
              "cnn": (9 + 5408 + 64 + 10 + 10 + 64 + 16 * 26 * 26, 9 + 5408 + 64 + 10)}

# The recurrent networks' forward chains, in roundings of U (predict only). Each step of a cell
# sums features + units + its biases' terms into every gate's pre-activation, then applies the
# gates' activations (xsimd's tanh and exp, counted as ACTIVATION roundings each) and its
# elementwise update (LSTM c = f c + i g, h = o tanh(c): 3 roundings and a fifth activation; GRU
# h = z h' + (1 - z) hh: 4). An error in the state carries over to the next step at most whole
# (gate derivatives at most 1, torch's weights uniform in +-1/sqrt(units)), so the steps' errors
# add: steps x (per step). Then the dense layer (units + 1 terms) and the softmax (10).
ACTIVATION = 4
STEPS, FEATURES = 8, 5
PREDICT_CHAINS = {
    "lstm": STEPS * (FEATURES + 16 + 2 + 5 * ACTIVATION + 3) + 16 + 1 + 10,
    "gru": STEPS * (FEATURES + 16 + 2 + 3 * ACTIVATION + 4) + STEPS * (16 + 12 + 1 + ACTIVATION + 1) + 12 + 1 + 10,
    # conv1d: 3 x 3 + 1 terms, 3 x 8 + 1, the average of 3 (and its division), 18 + 1, softmax 10.
    "conv1d": 3 * 3 + 1 + 3 * 8 + 1 + 3 + 1 + 18 + 1 + 10,
}


def elementwise_relative(a, b):
    """max |a - b| / max(|a|, |b|) over the elements (for outputs: probabilities, all > 0)."""
    import numpy as np
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    d = np.abs(a - b)
    scale = np.maximum(np.abs(a), np.abs(b))
    return float(np.where(d == 0, 0.0, d / np.where(scale == 0, 1.0, scale)).max())


def tensor_relative(got, expected):
    """max over tensors of max |a - b| / max |b|: the difference relative to each tensor's
    scale. (Elementwise, a weight that an update brings near zero has a relative difference as
    large as one rounding of the weight it came from allows; that measures float32, not ctnn.)"""
    import numpy as np
    worst = 0.0
    for name, b in expected.items():
        a = np.asarray(got[name], dtype=np.float64)
        b = np.asarray(b, dtype=np.float64)
        scale = np.abs(b).max()
        worst = max(worst, float(np.abs(a - b).max() / scale) if scale > 0 else float(np.abs(a).max()))
    return worst


def tensor_norm_relative(got, expected):
    """max over tensors of ||a - b|| / ||b|| (2-norms): the difference of the whole tensor."""
    import numpy as np
    worst = 0.0
    for name, b in expected.items():
        a = np.asarray(got[name], dtype=np.float64)
        b = np.asarray(b, dtype=np.float64)
        worst = max(worst, float(np.linalg.norm(a - b) / np.linalg.norm(b)))
    return worst


def adam_replay(before, gradients, lr=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """ctnn's (Keras') Adam, in float64, from the weights `before` on the gradients of each step,
    with the hyperparameters rounded to float32 and 1 - beta computed in float32 as ctnn does.
    Returns {name: {"weights" | "exp_avg" | "exp_avg_sq": (reference, bound)}}, where bound bounds
    float32's error element by element (first order in U): each rounding adds U of its result,
    and earlier errors carry over as the recurrences scale them.
        m = m + (g - m) c1         3 roundings;  m's error scaled by 1 - c1 each step
        v = v + (g g - v) c2       4 roundings;  v's likewise by 1 - c2
        step = m alpha / (sqrt(v) + eps):  4 U + half v's relative error, plus alpha/d m's error
        w = w - step               1 rounding; w's error carries over whole"""
    import math
    import numpy as np
    f32 = np.float32
    b1, b2 = float(f32(beta_1)), float(f32(beta_2))
    c1, c2 = float(f32(1) - f32(beta_1)), float(f32(1) - f32(beta_2))
    lr, eps = float(f32(lr)), float(f32(epsilon))
    out = {}
    for name, w0 in before.items():
        w = np.asarray(w0, dtype=np.float64)
        m, v = np.zeros_like(w), np.zeros_like(w)
        ew, em, ev = np.zeros_like(w), np.zeros_like(w), np.zeros_like(w)
        for t, step_gradients in enumerate(gradients, start=1):
            g = np.asarray(step_gradients[name], dtype=np.float64)
            alpha = float(f32(lr * math.sqrt(1.0 - b2 ** t) / (1.0 - b1 ** t)))  # as ctnn: double, then float
            m_new, v_new = m + (g - m) * c1, v + (g * g - v) * c2
            em = em * (1 - c1) + U * np.abs(m_new) + 2 * U * c1 * np.abs(g - m)
            ev = ev * (1 - c2) + U * np.abs(v_new) + 3 * U * c2 * (g * g + np.abs(v))
            d = np.sqrt(v_new) + eps
            step = m_new * alpha / d
            relative_v = np.divide(ev, v_new, out=np.zeros_like(ev), where=v_new > 0)
            ew = ew + np.abs(step) * (4 * U + relative_v / 2) + alpha * em / d + U * np.abs(w - step)
            w, m, v = w - step, m_new, v_new
        out[name] = {"weights": (w, ew), "exp_avg": (m, em), "exp_avg_sq": (v, ev)}
    return out


def build(case, exporter):
    import torch.nn as nn
    if case == "lstm":
        return nn.Sequential(exporter.Recurrent(nn.LSTM(FEATURES, 16, batch_first=True)),
                             nn.Linear(16, 10), nn.Softmax(dim=1)), (STEPS, FEATURES)
    if case == "gru":
        return nn.Sequential(exporter.Recurrent(nn.GRU(FEATURES, 16, batch_first=True), return_sequences=True),
                             exporter.Recurrent(nn.RNN(16, 12, batch_first=True)),
                             nn.Linear(12, 10), nn.Softmax(dim=1)), (STEPS, FEATURES)
    if case == "conv1d":
        return nn.Sequential(nn.Conv1d(3, 8, 3, stride=2, padding=1), nn.ReLU(), nn.MaxPool1d(2),
                             nn.Conv1d(8, 6, 3, dilation=2, padding="same"), nn.AvgPool1d(3, stride=1), nn.Flatten(),
                             nn.Linear(6 * 3, 10), nn.Softmax(dim=1)), (3, 21)
    if case == "mlp":
        return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 10), nn.Softmax(dim=1)), (784,)
    return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(32 * 13 * 13, 64), nn.ReLU(), nn.Linear(64, 10), nn.Softmax(dim=1)), (1, 28, 28)


def ctnn_tensors(exporter, model, shape, state=None):
    """The model's parameters (or, with state, a per-parameter optimizer state) in ctnn's
    layouts and names, through the exporter's own conversion."""
    import torch
    m = copy.deepcopy(model)
    if state is not None:
        with torch.no_grad():
            for p, s in zip(m.parameters(), state):
                p.copy_(s)
    return dict(exporter.export(m, shape).tensors())


def run_case(case, binary, exporter, workdir, results):
    import numpy as np
    import torch
    import torch.nn as nn

    described = subprocess.run([binary, "describe", case], capture_output=True, text=True)
    if described.returncode == 4:
        print(f"{case}: SKIPPED (this ctnn has no conv layers yet)")
        return True
    if described.returncode != 0:
        print(f"{case}: ctnn_parity describe failed: {described.stderr}")
        return False

    torch.manual_seed({"mlp": 1, "cnn": 2}[case])
    model, shape = build(case, exporter)
    directory = os.path.join(workdir, case)
    os.makedirs(directory)
    weights = os.path.join(directory, "weights.ctnn")
    exported = exporter.export(model, shape, weights, test_samples=4)
    ok = True
    if exported.description != described.stdout.strip():
        print(f"{case}: description mismatch\n  exporter: {exported.description}\n  ctnn:     {described.stdout.strip()}")
        ok = False
    print(f"{case}: fingerprint 0x{exported.fingerprint:016X}, descriptions agree: {exported.description == described.stdout.strip()}")
    print(exported.snippet(case), end="")
    np.savez_compressed(os.path.join(directory, "weights_compressed.npz"),
                        **{name: array for name, array in exported.tensors()})

    n = 3 * BATCH
    x = torch.rand((n,) + shape)
    labels = torch.randint(0, 10, (n,))
    y = torch.nn.functional.one_hot(labels, 10).float()
    np.save(os.path.join(directory, "x.npy"), exporter.to_ctnn_layout(x.numpy(), len(shape)).astype(np.float32))
    np.save(os.path.join(directory, "y.npy"), y.numpy())

    run = subprocess.run([binary, "run", case, directory], capture_output=True, text=True)
    if run.returncode != 0:
        print(f"{case}: ctnn_parity run failed ({run.returncode}): {run.stderr}")
        return False

    def report(what, value, limit, note=""):
        nonlocal ok
        passed = value <= limit
        ok = ok and passed
        results.append((case, what, value, limit, passed, note))

    # Every gate compares ctnn with a float64 reference and a limit derived from float32's unit
    # roundoff U: machine-independent, and independent of how PyTorch's build or thread count
    # rounds (PyTorch runs on one thread, and its float32 results are only reported).
    chain, forward_chain = REDUCTIONS[case]

    # Predict: softmax probabilities, elementwise relative to float64. A logit summed over k terms
    # is off by at most k U (terms of order one here: Kaiming-uniform weights, inputs in [0, 1));
    # a probability's relative error is at most twice its logits' error.
    with torch.no_grad():
        expected = copy.deepcopy(model).double().eval()(x.double()).numpy()
    report("predict vs torch f64", elementwise_relative(np.load(os.path.join(directory, "predict.npy")), expected),
           2 * forward_chain * U, f"(2 x {forward_chain} U)")

    loss_fn = nn.CrossEntropyLoss()

    def train(optimizer_of, steps, dtype):
        """PyTorch's result of `steps` steps (batch k at step k) from the exported weights."""
        m = copy.deepcopy(model).to(dtype).train()
        logits = nn.Sequential(*list(m.children())[:-1])  # without the final Softmax
        optimizer = optimizer_of(m.parameters())
        for t in range(1, steps + 1):
            if isinstance(optimizer, torch.optim.Adam):
                # ctnn adds epsilon to sqrt(v), PyTorch to sqrt(v / (1 - beta2^t)).
                for group in optimizer.param_groups:
                    group["eps"] = 1e-7 / (1 - 0.999 ** t) ** 0.5
            optimizer.zero_grad()
            batch = slice((t - 1) * BATCH, t * BATCH)
            loss_fn(logits(x[batch].to(dtype)), labels[batch]).backward()
            optimizer.step()
        return m, optimizer

    before = dict(exported.tensors())

    # Gradients of batch 0, relative to each tensor's largest: the longest chain of sums behind a
    # gradient has `chain` terms (forward and backward), each adding at most U of its terms.
    sgd = lambda p: torch.optim.SGD(p, lr=0.1)
    sgd64, _ = train(sgd, 1, torch.float64)
    gradients64 = ctnn_tensors(exporter, sgd64, shape, [p.grad for p in sgd64.parameters()])
    gradient_limit = 2 * chain * U
    report("gradients (batch 0) vs torch f64", tensor_relative(np.load(os.path.join(directory, "gradients.npz")), gradients64),
           gradient_limit, f"(2 x {chain} U)")

    # One SGD step: w1 = w0 - 0.1 g, so w1's error is its rounding plus 0.1 x g's error, relative
    # to each tensor's largest weight (plus U for the reference's own rounding to float32).
    got = np.load(os.path.join(directory, "sgd.npz"))
    expected = ctnn_tensors(exporter, sgd64, shape)
    sgd_limit = max(2 * U + 0.1 * gradient_limit * np.abs(gradients64[k]).max() / np.abs(expected[k]).max()
                    for k in expected)
    report("sgd weights vs torch f64", tensor_relative(got, expected), sgd_limit)

    # Three Adam steps. Where a gradient is mostly rounding error (sums that cancel), Adam's
    # division by sqrt(v) turns float32 noise into a visible part of the step, so ctnn's and
    # PyTorch's weights differ by as much as their gradients' noise allows -- a figure of the
    # gradients (gated above), not of Adam. What ctnn's Adam controls is its update rule: it is
    # replayed in float64 on the very gradients ctnn applied (adam_gradients_<k>.npz), with a
    # running bound on float32's error, element by element, for the weights and both moments.
    saved = exporter.read_weights(os.path.join(directory, "adam.ctnn"))
    applied = [dict(np.load(os.path.join(directory, f"adam_gradients_{k}.npz"))) for k in range(3)]
    replay = adam_replay(before, applied)
    for what, slot in (("weights", None), ("exp_avg", 0), ("exp_avg_sq", 1)):
        worst = 0.0
        for name, values in replay.items():
            got = saved["tensors"][name if slot is None else f"optimizer/{slot}/{name}"].astype(np.float64)
            reference, bound = values[what]
            excess = np.abs(got - reference) - 2 * bound
            worst = max(worst, float((np.abs(got - reference) / np.maximum(2 * bound, 1e-300)).max()))
            if (excess > 0).any():
                i = np.unravel_index(np.argmax(excess), excess.shape)
                print(f"{case}: adam {what} {name}{list(i)}: ctnn {got[i]!r}, float64 replay {reference[i]!r}, "
                      f"bound {2 * bound[i]:.3e}")
        report(f"adam {what} vs f64 replay (/ bound)", worst, 1.0, "(twice the running error bound)")

    # For orientation only: the whole trajectories against PyTorch's.
    adam = lambda p: torch.optim.Adam(p, lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    reference = ctnn_tensors(exporter, train(adam, 3, torch.float64)[0], shape)
    torch32 = ctnn_tensors(exporter, train(adam, 3, torch.float32)[0], shape)
    report("adam weights vs torch f64", tensor_relative(saved["tensors"], reference), float("inf"),
           f"(reported; torch f32 vs f64: {tensor_relative(torch32, reference):.3e})")
    report("adam weights vs torch f32, 2-norm", tensor_norm_relative(saved["tensors"], torch32), float("inf"), "(reported)")
    if saved["optimizer"] != ("adam", 2, 3):
        print(f"{case}: adam.ctnn optimizer record {saved['optimizer']}, expected ('adam', 2, 3)")
        ok = False
    return ok


def run_sequence_case(case, binary, exporter, workdir, results):
    """A recurrent or conv1d network: description, export (its test vector checked by ctnn::load), predict."""
    import numpy as np
    import torch

    described = subprocess.run([binary, "describe", case], capture_output=True, text=True)
    if described.returncode != 0:
        print(f"{case}: ctnn_parity describe failed: {described.stderr}")
        return False
    torch.manual_seed({"lstm": 3, "gru": 4, "conv1d": 5}[case])
    model, shape = build(case, exporter)
    directory = os.path.join(workdir, case)
    os.makedirs(directory)
    exported = exporter.export(model, shape, os.path.join(directory, "weights.ctnn"), test_samples=4)
    agree = exported.description == described.stdout.strip()
    if not agree:
        print(f"{case}: description mismatch\n  exporter: {exported.description}\n  ctnn:     {described.stdout.strip()}")
    print(f"{case}: fingerprint 0x{exported.fingerprint:016X}, descriptions agree: {agree}")
    print(exported.snippet(case), end="")

    x = torch.rand((3 * BATCH,) + shape)
    # (N, steps, features) in both for the recurrent networks; Conv1d's (N, C, L) is ctnn's (N, L, C).
    np.save(os.path.join(directory, "x.npy"), exporter.to_ctnn_layout(x.numpy(), 2, case == "conv1d").astype(np.float32))
    run = subprocess.run([binary, "predict", case, directory], capture_output=True, text=True)
    if run.returncode != 0:
        print(f"{case}: ctnn_parity predict failed ({run.returncode}): {run.stderr}")
        return False
    with torch.no_grad():
        expected = copy.deepcopy(model).double().eval()(x.double()).numpy()
    chain = PREDICT_CHAINS[case]
    value = elementwise_relative(np.load(os.path.join(directory, "predict.npy")), expected)
    passed = value <= 2 * chain * U  # a probability's relative error: twice its logits'
    results.append((case, "predict vs torch f64", value, 2 * chain * U, passed, f"(2 x {chain} U)"))
    return agree and passed


def check_exporter(exporter, workdir, tools):
    """The command line (a pickled model, run-time hyperparameters in the snippet, a test vector
    in the file) and the exporter's refusals."""
    import torch
    import torch.nn as nn
    ok = True
    model = nn.Sequential(nn.Linear(4, 3), nn.LeakyReLU(0.01), nn.Dropout(0.5), nn.Linear(3, 2), nn.Tanh())
    torch.save(model, os.path.join(workdir, "small.pt"))
    out = os.path.join(workdir, "small.ctnn")
    run = subprocess.run([sys.executable, os.path.join(tools, "export_pytorch.py"), os.path.join(workdir, "small.pt"),
                          out, "--input-shape", "4"], capture_output=True, text=True)
    expected = ["ctnn::dense<3, ctnn::leaky_relu>", "ctnn::dropout<ctnn::dropout_rate{0.5}>",
                "ctnn::dense<2, ctnn::tanh>", "model.layer<0>().activation.alpha = 0.01f;"]
    if run.returncode != 0 or not all(e in run.stdout for e in expected):
        print(f"exporter CLI: unexpected result ({run.returncode}):\n{run.stdout}{run.stderr}")
        ok = False
    saved = exporter.read_weights(out)
    if saved["test"] is None or saved["test"][0] != 4 or set(saved["tensors"]) != {
            "dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias", "test_vector/input", "test_vector/output"}:
        print(f"exporter CLI: unexpected file contents {sorted(saved['tensors'])}")
        ok = False
    refusals = [
        (nn.Sequential(nn.Conv2d(1, 2, 3, dilation=2)), (1, 8, 8), "dilation"),
        (nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten()), (1, 8, 8), "ends with a flattened image"),
        (nn.Sequential(nn.Conv2d(1, 2, 3, padding=2)), (1, 8, 8), "no ctnn equivalent"),
        (nn.Sequential(nn.Conv2d(1, 4, 3, stride=2, padding=1)), (1, 28, 28), "no ctnn equivalent"),
        (nn.Sequential(nn.Linear(4, 2), nn.BatchNorm1d(2)), (4,), "not supported"),
        (nn.Sequential(nn.Linear(5, 2)), (4,), "in_features 5"),
        (nn.Sequential(nn.LSTM(5, 4, batch_first=True)), (8, 5), "wrap it: export_pytorch.Recurrent"),
        (nn.Sequential(exporter.Recurrent(nn.LSTM(5, 4, batch_first=True, bidirectional=True))), (8, 5),
         "bidirectional=True"),
        (nn.Sequential(exporter.Recurrent(nn.GRU(5, 4, num_layers=2, batch_first=True))), (8, 5), "num_layers=2"),
        (nn.Sequential(exporter.Recurrent(nn.RNN(5, 4))), (8, 5), "batch_first=False"),
        (nn.Sequential(exporter.Recurrent(nn.LSTM(5, 4, batch_first=True, proj_size=2))), (8, 5), "proj_size=2"),
        (nn.Sequential(exporter.Recurrent(nn.LSTM(6, 4, batch_first=True))), (8, 5), "input_size 6"),
        (nn.Sequential(exporter.Recurrent(nn.LSTM(5, 4, batch_first=True)), exporter.Recurrent(nn.LSTM(4, 4, batch_first=True))),
         (8, 5), "needs return_sequences=True"),
        (nn.Sequential(nn.Conv1d(3, 6, 3, groups=3)), (3, 10), "groups=1"),
        (nn.Sequential(nn.Conv1d(3, 4, 3, stride=2, dilation=2)), (3, 10), "dilates with stride 1 only"),
        (nn.Sequential(nn.Conv1d(3, 4, 3, padding=2)), (3, 10), "no ctnn equivalent"),
        (nn.Sequential(nn.Conv1d(3, 4, 3), nn.Flatten()), (3, 10), "ends with a flattened sequence"),
        (nn.Sequential(nn.Conv1d(3, 4, 3), exporter.Recurrent(nn.LSTM(4, 4, batch_first=True))), (3, 10),
         "no module that transposes"),
        (nn.Sequential(exporter.Recurrent(nn.LSTM(5, 4, batch_first=True), return_sequences=True), nn.Conv1d(4, 4, 3)),
         (8, 5), "from a recurrent module"),
        (nn.Sequential(nn.Conv1d(3, 4, 3), nn.MaxPool1d(2, padding=1)), (3, 10), "ctnn pools without padding"),
    ]
    for model, shape, message in refusals:
        try:
            exporter.export(model, shape)
            print(f"exporter: {model} was not refused")
            ok = False
        except exporter.ExportError as e:
            if message not in str(e):
                print(f"exporter: refused {model} with '{e}', expected '{message}'")
                ok = False
    # A pickled recurrent model through the command line (the pickle names export_pytorch.Recurrent,
    # which the script's own directory provides): the snippet spells every option.
    recurrent = nn.Sequential(exporter.Recurrent(nn.RNN(3, 4, nonlinearity="relu", bias=False, batch_first=True),
                                                 return_sequences=True), nn.Flatten(), nn.Linear(24, 2))
    torch.save(recurrent, os.path.join(workdir, "rnn.pt"))
    run = subprocess.run([sys.executable, os.path.join(tools, "export_pytorch.py"), os.path.join(workdir, "rnn.pt"),
                          os.path.join(workdir, "rnn.ctnn"), "--input-shape", "6,3"], capture_output=True, text=True)
    expected = "ctnn::simple_rnn<4, ctnn::relu, ctnn::return_sequences<true>, ctnn::use_bias<false>>"
    if run.returncode != 0 or expected not in run.stdout:
        print(f"exporter CLI (rnn): unexpected result ({run.returncode}), expected {expected}:\n{run.stdout}{run.stderr}")
        ok = False
    # Keras' 'same' padding, spelled as PyTorch padding, is recognized where the windows are
    # the same: on 27 pixels Keras pads 1 + 1 as PyTorch; on 28 it pads 0 + 1 (refused above).
    same = exporter.export(nn.Sequential(nn.Conv2d(1, 4, 3, stride=2, padding=1)), (1, 27, 27))
    if "ctnn::conv2d<4, ctnn::kernel<3, 3>, ctnn::strides<2, 2>, ctnn::padding::same>" not in same.snippet() \
            or "out=14x14x4" not in same.description:
        print(f"exporter: padding=1, stride 2 not recognized as 'same':\n{same.snippet()}{same.description}")
        ok = False
    print(f"exporter: command line and refusals {'ok' if ok else 'FAILED'}")
    return ok


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True, help="the ctnn_parity program")
    parser.add_argument("--tools", required=True, help="the directory of export_pytorch.py")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    from torch_python import require_torch
    require_torch()
    import torch
    torch.set_num_threads(1)
    sys.path.insert(0, args.tools)
    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    import export_pytorch as exporter

    results = []
    workdir = tempfile.mkdtemp(prefix="ctnn-parity-")
    try:
        ok = all([run_case(case, args.binary, exporter, workdir, results) for case in ("mlp", "cnn")] +
                 [run_sequence_case(case, args.binary, exporter, workdir, results) for case in ("lstm", "gru", "conv1d")] +
                 [check_exporter(exporter, workdir, args.tools)])
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            import shutil
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"\n{'case':5} {'what':35} {'max relative difference':>24}  {'limit':>9}")
    for case, what, value, limit, passed, note in results:
        print(f"{case:5} {what:35} {value:24.3e}  {limit:9.2e}  {'ok' if passed else 'FAILED'} {note}")
    print("PASSED" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
