#!/usr/bin/env python3
"""Grades real submissions in every JSON format and checks each report against its published
schema (docs/report.schema.json for json, docs/gradescope.schema.json for gradescope); then checks
that the schemas refuse broken reports, so that a schema that accepts anything fails here too.
Not the reports' wording (tests/grader/test_report.cpp).

usage: check_report_schemas.py PIXELGRAD SOURCE_DIR
"""
import copy
import json
import os
import subprocess
import sys
import tempfile

try:
    import jsonschema
except ImportError:
    sys.exit("check_report_schemas.py needs jsonschema: apt-get install python3-jsonschema")

# a short kNN rubric: a hinted test, a test that builds on it, a hidden one, and the Gradescope
# settings, so that every kind of field gets a value
RUBRIC = """\
assignment: knn
title: k-nearest neighbours (schema check)
submission:
  files: [knn.cpp]
limits: {wall_s: 10, memory_mb: 1024, output_kb: 64}
gradescope: {visibility: after_published, stdout_visibility: visible}
tests:
  - name: L2 distances, two loops
    case: knn.distances_two_loops
    args: {num_train: 40, num_test: 15, dim: 30}
    seed: 1
    points: 4
    hint: "Take the square root of the sum of squares."
  - name: L2 distances, no loops
    case: knn.distances_no_loops
    args: {num_train: 40, num_test: 15, dim: 30}
    seed: 3
    points: 2.5
    builds_on: ["L2 distances, two loops"]
  - name: cross-validation
    case: knn.cross_validate
    args: {num_examples: 47, dim: 6, num_classes: 4, ks: [1, 2, 7], num_folds: 4, metric: l1}
    seed: 13
    points: 3
    visibility: hidden
"""

FORMATS = {"json": "report.schema.json", "gradescope": "gradescope.schema.json"}


def main():
    pixelgrad, source = sys.argv[1], sys.argv[2]
    validators = {}
    for fmt, name in FORMATS.items():
        with open(os.path.join(source, "docs", name), encoding="utf-8") as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
        validators[fmt] = jsonschema.Draft202012Validator(schema)

    failures = []
    reports = {}
    with tempfile.TemporaryDirectory(prefix="pixelgrad-schemas-") as tmp:
        rubric = os.path.join(tmp, "knn.yaml")
        with open(rubric, "w", encoding="utf-8") as f:
            f.write(RUBRIC)
        empty = os.path.join(tmp, "empty")
        os.mkdir(empty)
        submissions = os.path.join(source, "tests", "submissions")
        # (label, grade arguments, the exit status expected)
        runs = [
            ("reference", ["grade", "--submission", os.path.join(source, "reference", "knn")], 0),
            ("l2_no_sqrt", ["grade", "--submission",
                            os.path.join(submissions, "knn", "l2_no_sqrt")], 0),
            ("missing_semicolon", ["grade", "--submission",
                                   os.path.join(submissions, "knn_careless", "missing_semicolon")], 0),
            # crashes, runs out of memory, prints terminal escapes, NUL and invalid UTF-8
            ("exhausts", ["grade", "--submission",
                          os.path.join(submissions, "knn_hostile", "exhausts")], 0),
            ("grader_error", ["grade", "--submission", empty], 2),
        ]
        for label, args, expected in runs:
            for fmt in FORMATS:
                out = os.path.join(tmp, f"{label}.{fmt}.json")
                cmd = [pixelgrad] + args + ["--assignment", "knn", "--rubric", rubric,
                                            "--format", fmt, "--output", out]
                done = subprocess.run(cmd, capture_output=True, cwd=source)
                if done.returncode != expected:
                    failures.append(f"{label} ({fmt}): exit {done.returncode}, expected {expected}:"
                                    f" {done.stderr.decode(errors='replace')}")
                    continue
                with open(out, "rb") as f:
                    raw = f.read()
                try:
                    doc = json.loads(raw.decode("utf-8"))  # strict: the file must be UTF-8
                except (UnicodeDecodeError, ValueError) as e:
                    failures.append(f"{label} ({fmt}): not UTF-8 JSON: {e}")
                    continue
                errors = sorted(validators[fmt].iter_errors(doc), key=lambda e: list(e.path))
                for e in errors:
                    failures.append(f"{label} ({fmt}): {list(e.path)}: {e.message}")
                reports[(label, fmt)] = doc
                print(f"{label} ({fmt}): {'valid' if not errors else 'INVALID'}")

    failures += semantic_failures(reports)
    failures += broken_documents_accepted(reports, validators)
    for f in failures:
        print("FAILED:", f)
    return 1 if failures else 0


def semantic_failures(reports):
    """What the schema cannot say: the gradings came out as these submissions should."""
    found = []

    def expect(condition, what):
        if not condition:
            found.append(what)

    ref = reports.get(("reference", "json"))
    if ref:
        expect(ref["score"] == ref["max_score"] == 9.5, "reference: not 9.5 / 9.5")
        expect(ref["hidden_tests"]["count"] == 1, "reference: not one hidden test")
    bad = reports.get(("l2_no_sqrt", "json"))
    if bad:
        expect(bad["tests"][0]["verdict"] == "failed", "l2_no_sqrt: the two-loop test did not fail")
        expect(bad["tests"][0]["rubric_hint"] is not None, "l2_no_sqrt: no rubric_hint")
    broken = reports.get(("missing_semicolon", "json"))
    if broken:
        expect(not broken["built"] and all(t["verdict"] == "compile_error" for t in broken["tests"]),
               "missing_semicolon: not compile_error everywhere")
    hostile = reports.get(("exhausts", "json"))
    if hostile:
        printed = "".join(t["output"] for t in hostile["tests"])
        expect("\ufffd" in printed and "\x1b" in printed,
               "exhausts: its invalid bytes are not U+FFFD, or its escapes are lost")
    hostile = reports.get(("exhausts", "gradescope"))
    if hostile:
        printed = "".join(t["output"] for t in hostile["tests"])
        expect("\\x1b" in printed and "\\xff" in printed and "\x1b" not in printed,
               "exhausts (gradescope): escapes and invalid bytes not written out as text")
    error = reports.get(("grader_error", "json"))
    if error:
        expect(error["error"] and [t["verdict"] for t in error["tests"]] == ["grader_error"],
               "grader_error: no error, or not one grader_error entry")
    error = reports.get(("grader_error", "gradescope"))
    if error:
        expect(error["output"].startswith("Autograder error: ") and "1 tests" not in error["output"],
               "grader_error (gradescope): " + repr(error["output"]))
    for label in ("reference", "grader_error"):
        doc = reports.get((label, "gradescope"))
        if doc:
            expect(doc["visibility"] == "after_published" or label == "grader_error",
                   f"{label} (gradescope): the rubric's visibility is not written")
            expect(doc["stdout_visibility"] == "visible" or label == "grader_error",
                   f"{label} (gradescope): the rubric's stdout_visibility is not written")
    return found


def broken_documents_accepted(reports, validators):
    """Each schema must refuse reports with a field missing, of the wrong type or unknown."""
    found = []
    breakages = {
        "json": [
            ("no score", lambda d: d.pop("score")),
            ("score as text", lambda d: d.update(score="9.5")),
            ("an unknown verdict", lambda d: d["tests"][0].update(verdict="passed_mostly")),
            ("a test without output", lambda d: d["tests"][0].pop("output")),
            ("an unknown field", lambda d: d.update(grade="A")),
            ("a negative execution_time", lambda d: d.update(execution_time=-1)),
            ("an empty error", lambda d: d.update(error="")),
            ("a hidden count as a number of points", lambda d: d["hidden_tests"].update(count=1.5)),
        ],
        "gradescope": [
            ("no tests", lambda d: d.pop("tests")),
            ("execution_time as text", lambda d: d.update(execution_time="1.5")),
            ("a test number as a number", lambda d: d["tests"][0].update(number=1)),
            ("an unknown status", lambda d: d["tests"][0].update(status="ok")),
            ("an unknown visibility", lambda d: d.update(visibility="public")),
            ("an unknown stdout_visibility", lambda d: d.update(stdout_visibility=True)),
        ],
    }
    for fmt, cases in breakages.items():
        good = reports.get(("reference", fmt))
        if good is None:
            found.append(f"no reference report in {fmt} to break")
            continue
        for what, breakage in cases:
            doc = copy.deepcopy(good)
            breakage(doc)
            if validators[fmt].is_valid(doc):
                found.append(f"{FORMATS[fmt]} accepts a report with {what}")
            else:
                print(f"{FORMATS[fmt]} refuses a report with {what}")
    return found


if __name__ == "__main__":
    sys.exit(main())
