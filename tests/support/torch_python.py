"""For the test scripts that need PyTorch, NumPy or ONNX (tests/io/parity, tests/losses,
tests/tools): makes sure they run under a Python that has them. Debian's python3-torch lives in /usr/bin/python3's path,
which another python3 on PATH (pyenv, a virtual environment) does not see: re-executes the script
under one that has them, or exits 77 (CTest's SKIP_RETURN_CODE) saying what is missing."""
import argparse
import os
import re
import subprocess
import sys

SKIP = 77


def require_torch(extra=()):
    """numpy, torch and extra (more modules the script needs: onnx)."""
    require_modules(("numpy", "torch") + tuple(extra))


def require_modules(modules):
    """Returns when this Python imports every one of modules; else re-executes the script under
    one that does, or exits 77 saying what is missing."""
    try:
        for name in modules:
            __import__(name)
        return
    except ImportError as e:
        reason = str(e)
    if os.environ.get("CTNN_TORCH_REEXEC") != "1":
        for candidate in ("/usr/bin/python3", "/usr/local/bin/python3"):
            if os.path.exists(candidate) and os.path.realpath(candidate) != os.path.realpath(sys.executable):
                check = subprocess.run([candidate, "-c", "import " + ", ".join(modules)], capture_output=True)
                if check.returncode == 0:
                    os.environ["CTNN_TORCH_REEXEC"] = "1"
                    os.execv(candidate, [candidate] + sys.argv)
    print(f"SKIPPED: needs python3 with {', '.join(modules)} ({reason}); "
          f"install {' '.join('python3-' + m for m in modules)} (scripts/install-deps)")
    sys.exit(SKIP)


# A number in a generated file: a C++ floating or integer literal.
_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
# How far a number may drift from the checked-in one. The references are computed in float64 by
# PyTorch and NumPy, whose kernels sum in an order that depends on the CPU (the vector width,
# FMA or not, one or several accumulators): on another machine a value moves by a few units of
# float64's last place, about n * 2^-53 relative for a sum of n terms, 1e-15 for this suite's
# sizes. 1e-12 (relative, or absolute below 1) is a thousand times that, and a million times
# below the float32 tolerances (2^-24 and up) the C++ tests use the values at, so a value that
# passes here cannot change what a test decides, while a changed script (a new case, another
# formula, other weights) moves values by far more.
_DRIFT = 1e-12


def _first_difference(text, checked_in):
    """None when the two texts agree up to _DRIFT in their numbers and exactly elsewhere; else a
    few words on where they part."""
    parts, checked_parts = _NUMBER.split(text), _NUMBER.split(checked_in)
    numbers, checked_numbers = _NUMBER.findall(text), _NUMBER.findall(checked_in)
    if parts != checked_parts or len(numbers) != len(checked_numbers):
        return "the text differs, not only in its numbers"
    for i, (a, b) in enumerate(zip(numbers, checked_numbers)):
        x, y = float(a), float(b)
        if abs(x - y) > _DRIFT * max(1.0, abs(x), abs(y)):
            return f"number {i} is {a}, the checked-in file has {b}"
    return None


def write_or_check(path, text, check, script):
    """Writes a generated file, or with check=True (CTest's mode) compares it with the checked-in
    one, numbers up to a float64 reordering (_DRIFT): the exit status (0, or 1 saying which script
    to run when they differ)."""
    name = os.path.basename(path)
    if check:
        with open(path) as f:
            difference = _first_difference(text, f.read())
        if difference is not None:
            print(f"{path} is not what {script} writes ({difference}): run it")
            return 1
        print(f"{name} is up to date")
        return 0
    with open(path, "w") as f:
        f.write(text)
    return 0


def reference_main(script, output, render):
    """The main() of every reference script: render(torch, numpy) is the text of `output` (a file
    beside `script`), written, or with --check (CTest's mode) compared with the checked-in one."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true", help="compare with the checked-in file instead of writing it")
    args = parser.parse_args()
    require_torch()
    import numpy
    import torch
    torch.set_num_threads(1)
    path = os.path.join(os.path.dirname(os.path.abspath(script)), output)
    return write_or_check(path, render(torch, numpy), args.check, os.path.basename(script))
