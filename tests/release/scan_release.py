#!/usr/bin/env python3
"""Scans a student release for what it must never hold.

usage: scan_release.py RELEASE REPOSITORY

- no reference/, tests/ or tools/ folder, and no reference runner;
- no body of a reference solution block (BEGIN SOLUTION ... END SOLUTION): no three of its
  lines in a row (blank lines, braces, comments and lines the same reference file has outside
  its blocks aside) in any file, the recorded answers decompressed included; no solution or
  course-only marker line;
- no name of a test that is not visible in the repository's rubrics, in any file.
Prints what it found and exits 1 if anything, else prints a summary and exits 0.
"""
import gzip
import pathlib
import re
import sys

import yaml

release, repo = map(pathlib.Path, sys.argv[1:3])
problems = []

for folder in ["reference", "tests", "tools"]:
    if (release / folder).exists():
        problems.append(f"the release has a {folder}/ folder")

files = {}
for p in release.rglob("*"):
    if not p.is_file() or "build" in p.relative_to(release).parts[:1]:
        continue
    if "reference-runner" in p.name:
        problems.append(f"a reference runner: {p}")
    data = p.read_bytes()
    if p.suffix == ".pgr":
        data = gzip.decompress(data)
    files[p.relative_to(release)] = data.decode("utf-8", errors="replace")

# solution blocks: their lines, long enough to mean something and not also given code outside the
# blocks of the same file; a block's body shows in a file when three of its lines in a row do
TRIVIAL = {"{", "}", "};", "", "return out;"}
blocks = []
for ref in sorted((repo / "reference").rglob("*.cpp")):
    inside, given, current = False, set(), []
    for line in ref.read_text().splitlines():
        s = line.strip()
        if "BEGIN SOLUTION" in s:
            inside, current = True, []
            continue
        if "END SOLUTION" in s:
            inside = False
            blocks.append((ref.relative_to(repo), current))
            continue
        if inside:
            current.append(s)
        else:
            given.add(s)
    blocks = [(r, [l for l in b if l not in TRIVIAL and not l.startswith("//")])
              if r == ref.relative_to(repo) else (r, b) for r, b in blocks]
    blocks = [(r, [l for l in b if l not in given]) if r == ref.relative_to(repo) else (r, b)
              for r, b in blocks]
triples = {}
for ref, lines in blocks:
    for i in range(len(lines) - 2):
        triples[tuple(lines[i:i + 3])] = ref
for name, text in files.items():
    lines = [l.strip() for l in text.splitlines()]
    lines = [l for l in lines if l not in TRIVIAL and not l.startswith("//")]
    for i in range(len(lines) - 2):
        ref = triples.get(tuple(lines[i:i + 3]))
        if ref:
            problems.append(f"{name} holds three lines in a row of a solution block of {ref}: "
                            + " / ".join(lines[i:i + 3]))
    for marker in ["// BEGIN SOLUTION", "// END SOLUTION", "// BEGIN COURSE ONLY",
                   "// END COURSE ONLY"]:
        if marker in lines:
            problems.append(f"{name} has a line '{marker}'")

hidden = []
for rubric in sorted((repo / "grader" / "rubrics").glob("*.yaml")):
    for t in yaml.safe_load(rubric.read_text())["tests"]:
        if t.get("visibility", "visible") != "visible":
            hidden.append(t["name"])
for name, text in files.items():
    for h in hidden:
        if h in text:
            problems.append(f"{name} names the hidden test '{h}'")

for p in problems:
    print("scan:", p)
if problems:
    sys.exit(1)
print(f"scan: {len(files)} files; {len(blocks)} solution blocks ({len(triples)} runs of three "
      f"lines) and {len(hidden)} hidden test names looked for: none found")
