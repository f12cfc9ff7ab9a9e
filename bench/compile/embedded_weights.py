#!/usr/bin/env python3
"""How long 1,000,000 float parameters (4 MB) take to compile as a C++ constant, in the two forms a
header can hold them: a braced list of bytes (`0x..,`, what cmake/ctnnEmbedWeights.cmake writes)
and one string literal (what tools/ctnn_import writes, tools/ctnn_tools/header.py's _literal).

    bench/compile/embedded_weights.py [--compilers g++ clang++-14] [--parameters N]

Prints one line per compiler and form: the wall time of `-O2 -c` and its peak memory (bench/README.md,
"Compile time of embedded weights")."""

import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from ctnn_tools.header import _literal  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--compilers", nargs="+", default=["g++", "clang++-14"])
    parser.add_argument("--parameters", type=int, default=1_000_000)
    args = parser.parse_args()
    data = os.urandom(4 * args.parameters)
    lines = ["  " + "".join(f"0x{b:02x}," for b in data[i:i + 24]) for i in range(0, len(data), 24)]
    forms = {
        "byte list": "alignas(64) extern constexpr unsigned char data[] = {\n" + "\n".join(lines) + "\n};\n"
                     "unsigned char at(int i) { return data[i]; }\n",
        "string literal": f"struct alignas(64) blob {{ char bytes[{len(data) + 1}]; }};\n"
                          "#pragma GCC diagnostic ignored \"-Woverlength-strings\"\n"
                          "extern constexpr blob data{\n" + _literal(data) + "\n};\n"
                          "char at(int i) { return data.bytes[i]; }\n",
    }
    with tempfile.TemporaryDirectory() as work:
        for form, text in forms.items():
            source = os.path.join(work, form.replace(" ", "_") + ".cpp")
            with open(source, "w") as f:
                f.write(text)
            for compiler in args.compilers:
                run = subprocess.run(["/usr/bin/time", "-f", "%e s %M KiB", compiler, "-std=c++20", "-O2", "-c", source,
                                      "-o", os.path.join(work, "out.o")], capture_output=True, text=True)
                print(f"{compiler:12} {form:15} {run.stderr.strip().splitlines()[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
