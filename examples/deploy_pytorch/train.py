#!/usr/bin/env python3
"""The PyTorch half of the deploy example (README, "Deploy a PyTorch model"): trains a small
residual CNN on Fashion-MNIST in PyTorch, exports it to ONNX, writes a test vector (16 test images
and PyTorch's float64 outputs for them) and PyTorch's predicted class for every test image, then
runs tools/ctnn_import on the ONNX file. main.cpp, compiled with the header that writes, runs the
same model in ctnn.

    train.py --out DIR [--data DIR] [--epochs N] [--samples N] [--tools DIR]
    train.py --probe      exits 0 when python3 with torch, numpy and onnx and the data are there

Writes DIR/fashion_cnn.onnx, fashion_cnn.hpp, torch_predictions.npy (float32 class indices) and
prints PyTorch's test accuracy. --samples N trains on the first N images only (CTest's slice)."""

import argparse
import gzip
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def read_idx(path):
    import numpy as np
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * k:8 + 4 * k], "big") for k in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out")
    parser.add_argument("--probe", action="store_true")
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--samples", type=int, default=0)
    parser.add_argument("--tools", default=os.path.join(HERE, "..", "..", "tools"))
    args = parser.parse_args()
    sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "support"))
    from torch_python import require_torch
    require_torch(("onnx",))
    if args.probe or not args.out:
        present = os.path.exists(os.path.join(args.data, "t10k-images-idx3-ubyte.gz"))
        print("" if present else f"SKIPPED: no Fashion-MNIST in {args.data} (Debian: dataset-fashion-mnist)")
        return 0 if present and args.probe else 77 if args.probe else 2
    import numpy as np
    import torch
    from torch import nn

    torch.manual_seed(0)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    x_train = read_idx(os.path.join(args.data, "train-images-idx3-ubyte.gz"))
    y_train = read_idx(os.path.join(args.data, "train-labels-idx1-ubyte.gz"))
    x_test = read_idx(os.path.join(args.data, "t10k-images-idx3-ubyte.gz"))
    if args.samples:
        x_train, y_train = x_train[:args.samples], y_train[:args.samples]
    as_input = lambda images: torch.from_numpy(images.astype(np.float32) / 255.0)[:, None]  # noqa: E731 (N, 1, 28, 28)

    class Block(nn.Module):
        """conv-BN-relu-conv-BN plus the input, then relu: a ResNet basic block."""

        def __init__(self, channels):
            super().__init__()
            self.body = nn.Sequential(nn.Conv2d(channels, channels, 3, padding=1, bias=False), nn.BatchNorm2d(channels),
                                      nn.ReLU(), nn.Conv2d(channels, channels, 3, padding=1, bias=False),
                                      nn.BatchNorm2d(channels))

        def forward(self, x):
            return torch.relu(x + self.body(x))

    model = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
                          Block(16), nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(), Block(32),
                          nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10))
    optimizer = torch.optim.Adam(model.parameters(), 1e-3)
    loss_fn = nn.CrossEntropyLoss()
    inputs, labels = as_input(x_train), torch.from_numpy(y_train.astype(np.int64))
    start = time.time()
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(inputs))
        for i in range(0, len(inputs), 64):
            batch = order[i:i + 64]
            optimizer.zero_grad()
            loss = loss_fn(model(inputs[batch]), labels[batch])
            loss.backward()
            optimizer.step()
        print(f"train.py: epoch {epoch + 1}/{args.epochs}, loss {loss.item():.4f}")
    model.eval()
    with torch.no_grad():
        predictions = torch.cat([model(as_input(x_test[i:i + 1000])).argmax(1) for i in range(0, len(x_test), 1000)])
    y_test = read_idx(os.path.join(args.data, "t10k-labels-idx1-ubyte.gz"))
    accuracy = float((predictions.numpy() == y_test).mean())
    print(f"train.py: PyTorch trained in {time.time() - start:.0f} s; torch_test_accuracy={accuracy:.4f}")

    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "fashion_cnn.onnx")
    torch.onnx.export(model, as_input(x_test[:1]), onnx_path, opset_version=13, input_names=["image"],
                      output_names=["logits"], dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})
    x = as_input(x_test[:16])
    with torch.no_grad():
        y = model.double()(x.double())
    np.save(os.path.join(args.out, "x.npy"), x.numpy())
    np.save(os.path.join(args.out, "y.npy"), y.numpy())
    np.save(os.path.join(args.out, "torch_predictions.npy"), predictions.numpy().astype(np.float32))
    run = subprocess.run([sys.executable, os.path.join(args.tools, "ctnn_import"), onnx_path,
                          "-o", os.path.join(args.out, "fashion_cnn.hpp"), "--reference",
                          os.path.join(args.out, "x.npy"), os.path.join(args.out, "y.npy"),
                          "--reference-precision", "float64"])
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
