"""For the test scripts that need PyTorch and NumPy (tests/io/parity, tests/losses): makes sure
they run under a Python that has them. Debian's python3-torch lives in /usr/bin/python3's path,
which another python3 on PATH (pyenv, a virtual environment) does not see: re-executes the script
under one that has them, or exits 77 (CTest's SKIP_RETURN_CODE) saying what is missing."""
import os
import subprocess
import sys

SKIP = 77


def require_torch():
    try:
        import numpy  # noqa: F401
        import torch  # noqa: F401
        return
    except ImportError as e:
        reason = str(e)
    if os.environ.get("CTNN_TORCH_REEXEC") != "1":
        for candidate in ("/usr/bin/python3", "/usr/local/bin/python3"):
            if os.path.exists(candidate) and os.path.realpath(candidate) != os.path.realpath(sys.executable):
                check = subprocess.run([candidate, "-c", "import torch, numpy"], capture_output=True)
                if check.returncode == 0:
                    os.environ["CTNN_TORCH_REEXEC"] = "1"
                    os.execv(candidate, [candidate] + sys.argv)
    print(f"SKIPPED: needs python3 with torch and numpy ({reason}); "
          "install python3-torch python3-numpy (scripts/install-deps)")
    sys.exit(SKIP)


def write_or_check(path, text, check):
    """What a reference script does with the file it renders: writes it, or with check (CTest's
    --check) compares it with the checked-in one. Returns the script's exit code."""
    name = os.path.basename(path)
    if check:
        with open(path) as f:
            if f.read() != text:
                print(f"{path} is not what its script writes: run it")
                return 1
        print(f"{name} is up to date")
        return 0
    with open(path, "w") as f:
        f.write(text)
    return 0
