#!/usr/bin/env python3
"""Checks that every code block the README shows after a "<!-- snippet: NAME -->" marker is,
line for line, the block between "// snippet: NAME" and "// end snippet" in
examples/readme_snippets.cpp (dedented), which CTest compiles and runs: the README's code
cannot rot. Usage: snippets_match.py README.md examples/readme_snippets.cpp"""
import re
import sys


def source_snippets(text):
    snippets, name, lines, indent = {}, None, [], 0
    for line in text.splitlines():
        start = re.match(r"^(\s*)// snippet: (\S+)\s*$", line)
        if start:
            name, lines, indent = start.group(2), [], len(start.group(1))
        elif name and re.match(r"^\s*// end snippet\s*$", line):
            snippets[name] = lines
            name = None
        elif name:
            lines.append(line[indent:] if line[:indent].strip() == "" else line)
    return snippets


def readme_snippets(text):
    snippets, lines = {}, text.splitlines()
    for i, line in enumerate(lines):
        marker = re.match(r"^<!-- snippet: (\S+) -->\s*$", line)
        if not marker:
            continue
        j = i + 1
        if j >= len(lines) or not lines[j].startswith("```"):
            sys.exit(f"README: the snippet marker for '{marker.group(1)}' is not followed by a code block")
        end = next((k for k in range(j + 1, len(lines)) if lines[k].startswith("```")), None)
        if end is None:
            sys.exit(f"README: the code block of snippet '{marker.group(1)}' is not closed")
        snippets[marker.group(1)] = lines[j + 1:end]
    return snippets


def main():
    readme_path, source_path = sys.argv[1], sys.argv[2]
    shown = readme_snippets(open(readme_path, encoding="utf-8").read())
    compiled = source_snippets(open(source_path, encoding="utf-8").read())
    if not shown:
        sys.exit(f"{readme_path}: no snippet markers")
    failed = False
    for name, lines in shown.items():
        if name not in compiled:
            print(f"snippet '{name}' is shown in {readme_path} but not marked in {source_path}")
            failed = True
        elif lines != compiled[name]:
            print(f"snippet '{name}' differs between {readme_path} and {source_path}:")
            for a, b in zip(lines + [""] * len(compiled[name]), compiled[name] + [""] * len(lines)):
                if a != b:
                    print(f"  README: {a!r}\n  source: {b!r}")
                    break
            failed = True
    print(f"{len(shown)} snippets checked")
    sys.exit(1 if failed else 0)


main()
