#!/usr/bin/env python3
"""Grades real submissions in the CI formats and checks each report as the tools that read them
would: junit against Jenkins' JUnit schema (data/junit-10.xsd, xunit-plugin) with xmllint, then
its counts and points; classroom decoded from base64 as GitHub Classroom's reporter does, field
by field; markdown's table and details. Every report is compared with the json report of the
same grading.

usage: check_ci_formats.py PIXELGRAD SOURCE_DIR
"""
import base64
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

from check_report_schemas import RUBRIC

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    pixelgrad, source = sys.argv[1], sys.argv[2]
    failures = []

    def expect(condition, what):
        if not condition:
            failures.append(what)

    with tempfile.TemporaryDirectory(prefix="pixelgrad-ci-formats-") as tmp:
        rubric = os.path.join(tmp, "knn.yaml")
        with open(rubric, "w", encoding="utf-8") as f:
            f.write(RUBRIC)
        empty = os.path.join(tmp, "empty")
        os.mkdir(empty)
        subs = os.path.join(source, "tests", "submissions")
        runs = [("reference", os.path.join(source, "reference", "knn"), 0),
                ("l2_no_sqrt", os.path.join(subs, "knn", "l2_no_sqrt"), 0),
                ("missing_semicolon", os.path.join(subs, "knn_careless", "missing_semicolon"), 0),
                ("exhausts", os.path.join(subs, "knn_hostile", "exhausts"), 0),
                ("grader_error", empty, 2)]
        for label, submission, status in runs:
            out = {}
            for fmt in ["json", "junit", "markdown", "classroom"]:
                path = os.path.join(tmp, f"{label}.{fmt}")
                done = subprocess.run([pixelgrad, "grade", "--assignment", "knn", "--rubric", rubric,
                                       "--submission", submission, "--format", fmt,
                                       "--output", path], capture_output=True, cwd=source)
                expect(done.returncode == status, f"{label} ({fmt}): exit {done.returncode}")
                with open(path, "rb") as f:
                    out[fmt] = f.read()
                out[fmt + "_path"] = path
            report = json.loads(out["json"])
            tests = report["tests"]
            not_passed = [t for t in tests if t["verdict"] != "passed"]

            # junit: the schema, then what it says
            lint = subprocess.run(["xmllint", "--noout", "--schema",
                                   os.path.join(HERE, "data", "junit-10.xsd"), out["junit_path"]],
                                  capture_output=True)
            expect(lint.returncode == 0,
                   f"{label} (junit): not valid: {lint.stderr.decode(errors='replace')}")
            suite = ET.fromstring(out["junit"]).find("testsuite")
            cases = suite.findall("testcase")
            expect(len(cases) == len(tests), f"{label} (junit): {len(cases)} testcases")
            expect(int(suite.get("failures")) + int(suite.get("errors")) == len(not_passed),
                   f"{label} (junit): failures + errors != tests not passed")
            for case, t in zip(cases, tests):
                failed = case.find("failure") if case.find("failure") is not None else case.find("error")
                expect((failed is None) == (t["verdict"] == "passed"),
                       f"{label} (junit): {t['name']}: failure element and verdict disagree")
                if failed is not None:
                    expect(failed.get("type") == t["verdict"], f"{label} (junit): failure type")
            props = {p.get("name"): p.get("value") for p in suite.find("properties")}
            expect(props.get("score") == f"{report['score']:g}", f"{label} (junit): score property")
            for t in tests:
                expect(props.get("points: " + t["name"], "").startswith(f"{t['score']:g} / "),
                       f"{label} (junit): points of {t['name']}")

            # classroom: base64 JSON version 1, as autograding-grading-reporter decodes it
            text = out["classroom"].decode("ascii").strip()
            expect(re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", text) is not None,
                   f"{label} (classroom): not one line of base64")
            doc = json.loads(base64.b64decode(text).decode("utf-8"))
            expect(doc["version"] == 1, f"{label} (classroom): version")
            expect(doc["status"] == ("error" if report["error"] else
                                     "fail" if not_passed else "pass"),
                   f"{label} (classroom): status {doc['status']}")
            expect(isinstance(doc["max_score"], (int, float)) and
                   doc["max_score"] == report["max_score"], f"{label} (classroom): max_score")
            expect(len(doc["tests"]) == len(tests), f"{label} (classroom): tests")
            for c, t in zip(doc["tests"], tests):
                want = "pass" if t["verdict"] == "passed" else (
                    "error" if t["verdict"] == "grader_error" else "fail")
                expect(c["status"] == want and c["name"] == t["name"] and
                       isinstance(c["score"], (int, float)) and c["score"] == t["score"] and
                       c["line_no"] == 0, f"{label} (classroom): {t['name']}: {c}")
            expect(sum(c["score"] for c in doc["tests"]) == report["score"],
                   f"{label} (classroom): the scores do not add up")

            # markdown: the heading's score, one row per test, one details block per failure
            md = out["markdown"].decode("utf-8")
            expect(md.startswith("### knn") and f": {report['score']:g} / {report['max_score']:g}"
                   in md.splitlines()[0], f"{label} (markdown): heading {md.splitlines()[0]}")
            rows = [l for l in md.splitlines() if re.match(r"\| \d+ \|", l)]
            expect(len(rows) == len(tests), f"{label} (markdown): {len(rows)} rows")
            expect(md.count("<details>") == len([t for t in not_passed if t["message"]]),
                   f"{label} (markdown): details blocks")
            if report["error"]:
                expect("Autograder error" in md, f"{label} (markdown): the error is not shown")
            print(f"{label}: junit valid, classroom and markdown agree with the json report "
                  f"({len(tests)} tests, {len(not_passed)} not passed)")
        # the schema refuses a testcase without a name: the validation above means something
        broken = os.path.join(tmp, "broken.junit")
        with open(broken, "w", encoding="utf-8") as f:
            f.write('<testsuites><testsuite name="s" tests="1" failures="0" errors="0">'
                    '<testcase classname="c"/></testsuite></testsuites>')
        lint = subprocess.run(["xmllint", "--noout", "--schema",
                               os.path.join(HERE, "data", "junit-10.xsd"), broken],
                              capture_output=True)
        expect(lint.returncode != 0, "the JUnit schema accepted a testcase without a name")
    for f in failures:
        print("FAILED:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
