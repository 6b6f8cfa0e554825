#!/usr/bin/env python3
"""Checks the results.json files test_gradescope.sh collected: each against Gradescope's
documented format (docs/gradescope.schema.json, types included), then the score each submission
should get.

usage: check_gradescope_results.py SOURCE_DIR WORK_DIR
"""
import json
import os
import sys

import jsonschema
import yaml

source, work = sys.argv[1:3]
with open(os.path.join(source, "docs", "gradescope.schema.json"), encoding="utf-8") as f:
    validator = jsonschema.Draft202012Validator(json.load(f))
rubric = yaml.safe_load(open(os.path.join(source, "grader", "rubrics", "knn.yaml")))
total = sum(t["points"] for t in rubric["tests"] if not t.get("extra_credit"))
hidden = [t for t in rubric["tests"] if t.get("visibility", "visible") != "visible"]
failures = []


def expect(condition, what):
    if not condition:
        failures.append(what)


results = {}
for label in ["reference", "skeleton", "buggy", "forges_results", "empty"]:
    with open(os.path.join(work, label + ".json"), "rb") as f:
        doc = json.loads(f.read().decode("utf-8"))
    for e in validator.iter_errors(doc):
        failures.append(f"{label}: {list(e.path)}: {e.message}")
    expect(isinstance(doc["score"], (int, float)) and not isinstance(doc["score"], bool),
           f"{label}: score is not a number")
    expect(isinstance(doc["execution_time"], (int, float)), f"{label}: execution_time")
    for t in doc["tests"]:
        expect(t["visibility"] in ("hidden", "after_due_date", "after_published", "visible"),
               f"{label}: visibility {t['visibility']}")
        expect(t.get("output_format", "text") in ("text", "html", "simple_format", "md", "ansi"),
               f"{label}: output_format")
    results[label] = doc

maxima = lambda d: sum(t["max_score"] for t in d["tests"])
ref = results["reference"]
expect(ref["score"] == total == maxima(ref), f"reference: {ref['score']} of {total}")
expect(len(ref["tests"]) == len(rubric["tests"]), "reference: not every test")
expect(f"of which {len(hidden)} hidden" in ref["output"], f"reference: the hidden tests are not "
       f"counted in the output: {ref['output']}")
expect(sum(t["visibility"] != "visible" for t in ref["tests"]) == len(hidden),
       "reference: the hidden tests' visibility")
skel = results["skeleton"]
expect(skel["score"] == 0 and all(t["output"].startswith("not_implemented") for t in skel["tests"]),
       "skeleton: not 0 with every test not_implemented")
bug = results["buggy"]
expect(0 < bug["score"] < total, f"buggy: {bug['score']}")
forged = results["forges_results"]
expect(forged["score"] != 1000 and len(forged["tests"]) == len(rubric["tests"]),
       "forges_results: results.json is not the grader's")
empty = results["empty"]
expect(empty["score"] == 0 and "knn.cpp" in json.dumps(empty),
       "empty: no score 0 with a message naming the missing knn.cpp")
for f in failures:
    print("FAILED:", f)
print(f"results.json: {len(results)} files valid; reference {ref['score']} / {total}, skeleton 0, "
      f"buggy {bug['score']}, forges_results {forged['score']}, empty 0")
sys.exit(1 if failures else 0)
