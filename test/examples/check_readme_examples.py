#!/usr/bin/env python3
"""Checks that the README shows the completion-token examples as they are.

    check_readme_examples.py SOURCE_DIR

A code block of the README preceded by `<!-- examples/tokens/NAME.cpp -->` must be
that file, byte for byte; and every examples/tokens/run_with_*.cpp must be shown.
Fix a failure by copying the file into the README (or the README into the file).
"""
import difflib
import pathlib
import re
import sys

source = pathlib.Path(sys.argv[1])
readme_lines = (source / "README.md").read_text().splitlines(keepends=True)
marker = re.compile(r"^<!-- (examples/tokens/[\w.]+) -->\s*$")

failures = []
shown = set()
i = 0
while i < len(readme_lines):
    found = marker.match(readme_lines[i])
    i += 1
    if not found:
        continue
    path = found.group(1)
    shown.add(path)
    if i >= len(readme_lines) or readme_lines[i].rstrip("\n") != "```cpp":
        failures.append(f"README.md:{i}: the marker of {path} is not followed by a ```cpp block")
        continue
    start = i + 1
    end = start
    while end < len(readme_lines) and readme_lines[end].rstrip("\n") != "```":
        end += 1
    block = readme_lines[start:end]
    i = end + 1
    file = source / path
    if not file.is_file():
        failures.append(f"README.md:{start}: shows {path}, which does not exist")
        continue
    actual = file.read_text().splitlines(keepends=True)
    if block != actual:
        diff = "".join(difflib.unified_diff(actual, block, path, f"README.md:{start}"))
        failures.append(f"README.md:{start}: the block differs from {path}:\n{diff}")

for file in sorted((source / "examples/tokens").glob("run_with_*.cpp")):
    path = file.relative_to(source).as_posix()
    if path not in shown:
        failures.append(f"README.md does not show {path} (add `<!-- {path} -->` and the file)")

for failure in failures:
    print(failure, file=sys.stderr)
if failures:
    sys.exit(1)
print(f"check_readme_examples: {len(shown)} examples match the README")
