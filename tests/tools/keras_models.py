#!/usr/bin/env python3
"""The Keras round trips' models (run at build time by tests/tools/CMakeLists.txt): each a seeded
Keras model made and saved by TensorFlow.js (tests/tools/keras_models.js under node, with the
@tensorflow/tfjs that scripts/install-deps installs), converted by tools/ctnn_import into
<case>.hpp with a test vector of TensorFlow.js' own outputs for random inputs, computed in float32
by its CPU backend (--reference-precision float32). tests/tools/keras_roundtrip.cpp includes the
headers; loading each checks ctnn's outputs against TensorFlow.js' within the tolerance
ctnn_import derives from the computation (tools/ctnn_tools/reference.py).

    keras_models.py --out DIR [--tools DIR] | --list | --probe

--list prints the cases (CMake's outputs); --probe exits 0 when node, the tfjs package and a
python3 with NumPy (for ctnn_import) are found, else 77 saying what is missing (CMake then makes
the test a visible skip). The package is looked for in $CTNN_NPM_DIR/node_modules (default
~/.cache/ctnn/npm, where scripts/install-deps puts it)."""

import argparse
import os
import shutil
import subprocess
import sys

CASES = ("mlp", "cnn", "resnet", "conv_misc", "conv1d", "rnn")
HERE = os.path.dirname(os.path.abspath(__file__))
SKIP = 77


def node_environment():
    """(node, its environment with NODE_PATH at the tfjs install) or (None, why not)."""
    node = shutil.which("node")
    if node is None:
        return None, "needs node (Debian: nodejs) and @tensorflow/tfjs (scripts/install-deps installs it)"
    npm_dir = os.environ.get("CTNN_NPM_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "ctnn", "npm")
    modules = os.path.join(npm_dir, "node_modules")
    env = dict(os.environ, NODE_PATH=modules)
    check = subprocess.run([node, "-e", "require('@tensorflow/tfjs-layers'); require('@tensorflow/tfjs')"], env=env,
                           capture_output=True, text=True)
    if check.returncode != 0:
        return None, (f"needs @tensorflow/tfjs in {modules} (scripts/install-deps installs it there; "
                      "CTNN_NPM_DIR moves it)")
    return node, env


def main():
    from import_case import import_case  # beside this script
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", help="where the models, reference arrays and headers go")
    parser.add_argument("--tools", default=os.path.join(HERE, "..", "..", "tools"))
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--probe", action="store_true")
    args = parser.parse_args()
    if args.list:
        print(";".join(CASES))
        return 0
    sys.path.insert(0, os.path.join(HERE, "..", "support"))
    from torch_python import require_modules
    require_modules(("numpy",))  # ctnn_import's; re-executes this script under a python3 with it
    node, env = node_environment()
    if node is None:
        print(f"SKIPPED: {env}")
        return SKIP
    if args.probe:
        return 0
    if not args.out:
        parser.error("--out DIR, --list or --probe")
    os.makedirs(args.out, exist_ok=True)
    run = subprocess.run([node, os.path.join(HERE, "keras_models.js"), args.out, *CASES], env=env,
                         capture_output=True, text=True)
    # tfjs greets a node without its native backend on stdout; only this script's lines are shown
    sys.stdout.write("".join(line + "\n" for line in run.stdout.splitlines() if line.startswith("keras_models.js")))
    if run.returncode != 0:
        sys.stderr.write(run.stderr)
        print("keras_models.py: keras_models.js failed", file=sys.stderr)
        return 1
    for case in CASES:
        base = os.path.join(args.out, case)
        command = [sys.executable, os.path.join(args.tools, "ctnn_import"), base + ".json", "-o", base + ".hpp",
                   "--name", f"keras_{case}", "--reference", base + "_x.npy", base + "_y.npy",
                   "--reference-precision", "float32"]
        if not import_case(command, "keras_models.py", case):
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
