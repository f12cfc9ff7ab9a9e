#!/usr/bin/env python3
"""The ONNX round trips' models (run at build time by tests/tools/CMakeLists.txt): each a seeded
random PyTorch model, exported by torch.onnx.export (opset 13), converted by tools/ctnn_import
into <case>.hpp with a test vector of PyTorch's own outputs, computed in float64 for random
inputs (--reference-precision float64). tests/tools/import_roundtrip.cpp includes the headers;
loading each checks ctnn's outputs against PyTorch's within the tolerance ctnn_import derives
from the computation (tools/ctnn_tools/reference.py).

    onnx_models.py --out DIR [--tools DIR] | --list | --probe

--list prints the cases (CMake's outputs); --probe exits 0 when python3 with torch, numpy and
onnx is found, else 77 saying what is missing (CMake then makes the test a visible skip)."""

import argparse
import os
import sys

CASES = ("mlp", "matmul", "cnn_bn", "resnet", "conv1d", "mlp_file", "lstm_gru", "rnn", "conv_gru")


def models(torch, nn):
    """case -> (model, one sample's shape in PyTorch's layout, extra ctnn_import arguments)."""
    from export_pytorch import Recurrent  # tools/: nn.LSTM, nn.GRU, nn.RNN as one nn.Sequential layer

    class ConvGRU(nn.Module):
        """A Conv1d's (N, C, L) transposed to batch-first (N, L, C) for a GRU, whose last step is
        taken with its axis kept (a Slice, not Recurrent's Gather) and flattened."""

        def __init__(self):
            super().__init__()
            self.conv = nn.Conv1d(4, 6, 3, padding=1)
            self.rnn = nn.GRU(6, 5, batch_first=True)
            self.fc = nn.Linear(5, 2)

        def forward(self, x):
            out, _ = self.rnn(torch.relu(self.conv(x)).transpose(1, 2))
            return self.fc(out[:, -1:].flatten(1))

    class Residual(nn.Module):
        """A stem, an identity residual block, a downsampling block with a 1x1 shortcut, an
        inception-style concatenation (1x1 and depthwise 3x3 paths), GELU, global pooling."""

        def __init__(self):
            super().__init__()
            self.stem = nn.Conv2d(3, 8, 3, padding=1, bias=False)
            self.bn = nn.BatchNorm2d(8)
            self.c1, self.c2 = nn.Conv2d(8, 8, 3, padding=1), nn.Conv2d(8, 8, 3, padding=1)
            self.down, self.shortcut = nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.Conv2d(8, 16, 1, stride=2)
            self.wide = nn.Conv2d(16, 8, 1)
            self.depthwise = nn.Conv2d(16, 32, 3, padding=1, groups=16)
            self.gelu = nn.GELU()
            self.fc = nn.Linear(40, 10)

        def forward(self, x):
            x = torch.relu(self.bn(self.stem(x)))
            x = torch.relu(x + self.c2(torch.relu(self.c1(x))))
            x = torch.tanh(self.down(x) + self.shortcut(x))
            x = torch.cat([self.wide(x), torch.sigmoid(self.depthwise(x))], dim=1)
            x = nn.functional.adaptive_avg_pool2d(self.gelu(x), 1).flatten(1)
            return self.fc(x)

    class MatMulAdd(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(torch.randn(12, 6) * 0.3)
            self.b = nn.Parameter(torch.randn(6))

        def forward(self, x):
            return torch.tanh(x @ self.w + self.b)

    mlp = nn.Sequential(nn.Linear(20, 32), nn.LeakyReLU(0.2), nn.Dropout(0.5), nn.Linear(32, 16), nn.ELU(0.5),
                        nn.Linear(16, 10), nn.Softmax(dim=1))
    # The exporter folds a BatchNorm2d into the Conv before it (the resnet's stem); after a pool it
    # stays a BatchNormalization node; the BatchNorm1d after Flatten normalizes the flattened
    # channels-first features, whose statistics ctnn_import reorders to channels last.
    cnn = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.ReLU(), nn.MaxPool2d(2), nn.BatchNorm2d(8),
                        nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ELU(), nn.AvgPool2d(2), nn.Flatten(),
                        nn.BatchNorm1d(16 * 2 * 2), nn.Linear(16 * 2 * 2, 10))
    conv1d = nn.Sequential(nn.Conv1d(4, 8, 3, padding=1), nn.ReLU(), nn.MaxPool1d(2),
                           nn.Conv1d(8, 8, 3, dilation=2, padding=2), nn.Sigmoid(), nn.Flatten(), nn.Linear(8 * 8, 5))
    # The exporter writes each recurrent module as Transpose to time-major, the ONNX LSTM/GRU/RNN
    # (gates in ONNX's order; initial states sized by the dynamic batch), Squeeze, Transpose back.
    lstm_gru = nn.Sequential(Recurrent(nn.LSTM(5, 16, batch_first=True), return_sequences=True),
                             Recurrent(nn.GRU(16, 8, batch_first=True)), nn.Linear(8, 3))
    rnn = nn.Sequential(Recurrent(nn.RNN(5, 6, nonlinearity="relu", batch_first=True), return_sequences=True),
                        Recurrent(nn.RNN(6, 4, batch_first=True), return_sequences=True))
    return {"mlp": (mlp, (20,), []), "matmul": (MatMulAdd(), (12,), []), "cnn_bn": (cnn, (3, 16, 16), []),
            "resnet": (Residual(), (3, 16, 16), []), "conv1d": (conv1d, (4, 16), []),
            "mlp_file": (mlp, (20,), ["--weights-file"]), "lstm_gru": (lstm_gru, (7, 5), []),
            "rnn": (rnn, (7, 5), []), "conv_gru": (ConvGRU(), (4, 9), [])}


def randomize_batch_norm(torch, model):
    """Statistics and affine parameters away from the defaults, so the conversion of each shows."""
    for m in model.modules():
        if isinstance(m, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d)):
            with torch.no_grad():
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.5, 0.5)


def main():
    from import_case import import_case  # beside this script
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", help="where the models, reference arrays and headers go")
    parser.add_argument("--tools", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--probe", action="store_true")
    args = parser.parse_args()
    if args.list:
        print(";".join(CASES))
        return 0
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
    from torch_python import require_torch
    require_torch(("onnx",))
    if args.probe:
        return 0
    import numpy as np
    import torch
    sys.path.insert(0, args.tools)  # export_pytorch's Recurrent
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(0)
    for case, (model, shape, extra) in models(torch, torch.nn).items():
        randomize_batch_norm(torch, model)
        model.eval()
        onnx_path = os.path.join(args.out, f"{case}.onnx")
        torch.onnx.export(model, torch.rand((1,) + shape), onnx_path, opset_version=13, input_names=["x"],
                          output_names=["y"], dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
        x = torch.rand((5,) + shape, generator=torch.Generator().manual_seed(1))
        with torch.no_grad():
            y = model.double()(x.double())
        model.float()
        np.save(os.path.join(args.out, f"{case}_x.npy"), x.numpy())
        np.save(os.path.join(args.out, f"{case}_y.npy"), y.numpy())
        command = [sys.executable, os.path.join(args.tools, "ctnn_import"), onnx_path,
                   "-o", os.path.join(args.out, f"{case}.hpp"), "--reference", os.path.join(args.out, f"{case}_x.npy"),
                   os.path.join(args.out, f"{case}_y.npy"), "--reference-precision", "float64"]
        if extra == ["--weights-file"]:
            command += ["--weights-file", os.path.join(args.out, f"{case}.ctnn")]
        if not import_case(command, "onnx_models.py", case):
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
