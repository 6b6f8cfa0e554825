#!/usr/bin/env bash
# End to end: `pixelgrad gradescope` for knn, unpacked as Gradescope does into a fresh folder
# bound at /autograder (bubblewrap; the repository hidden): setup.sh builds it, then
# run_autograder grades the reference, the skeleton, a buggy sample, a hostile sample that tries
# to forge results.json, and an empty submission. Every results.json is checked against
# Gradescope's documented format (docs/gradescope.schema.json, types included) and for the score
# each submission should get.
#
# usage: test_gradescope.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(realpath "$1")
src=$(realpath "$2")
here=$(dirname "$(realpath "$0")")
work=$(mktemp -d /tmp/pixelgrad-gradescope-test-XXXXXX)
trap 'rm -rf "$work"' EXIT
ag=$work/autograder
fail() { echo "FAILED: $*"; exit 1; }
in_autograder() { bwrap --dev-bind / / --bind "$ag" /autograder --tmpfs "$src" -- "$@"; }

echo "== the zip"
"$build/grader/pixelgrad" gradescope --assignment knn --output "$work/autograder.zip"
mkdir -p "$ag/source" "$ag/submission" "$ag/results"
# unpacked as unzip does, modes included
python3 - "$work/autograder.zip" "$ag/source" <<'PY'
import os, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = z.namelist()
assert names[:2] == ["setup.sh", "run_autograder"], names[:2]
for info in z.infolist():
    path = z.extract(info, sys.argv[2])
    os.chmod(path, (info.external_attr >> 16) & 0o777)
PY
[ -x "$ag/source/setup.sh" ] && [ -x "$ag/source/run_autograder" ] || fail "setup.sh or run_autograder is not executable"
for absent in tests docs tools reference/linear assignments/linear grader/rubrics/linear.yaml; do
  [ ! -e "$ag/source/$absent" ] || fail "the autograder holds $absent"
done

echo "== setup.sh (its packages are present here)"
in_autograder bash -c 'cd /autograder/source && ./setup.sh' >"$work/setup.log" 2>&1 || { tail -30 "$work/setup.log"; fail "setup.sh"; }
cp "$ag/source/run_autograder" "$ag/run_autograder"  # where Gradescope puts it

echo "== run_autograder"
run() {  # run LABEL FILE...: the files as the submission, then run_autograder
  local label=$1; shift
  rm -rf "$ag/submission" "$ag/results" && mkdir -p "$ag/submission" "$ag/results"
  [ $# -eq 0 ] || cp "$@" "$ag/submission/"
  in_autograder /autograder/run_autograder >"$work/$label.log" 2>&1 || { cat "$work/$label.log"; fail "$label: run_autograder"; }
  [ -s "$ag/results/results.json" ] || fail "$label: no results.json"
  cp "$ag/results/results.json" "$work/$label.json"
}
run reference "$src/reference/knn/knn.cpp"
run skeleton "$src/assignments/knn/knn.cpp"
run buggy "$src/tests/submissions/knn/no_loops_no_clamp/knn.cpp"
run forges_results "$src/tests/submissions/knn_hostile/forges_results/knn.cpp"
# run_autograder copies the grader's report over results.json at the end, so the forgery would not
# show there: the files beside it tell whether a write got through
[ ! -e "$ag/source/build/forged" ] || fail "the hostile submission wrote into the autograder's source"
[ ! -e "$ag/results/forged" ] || fail "the hostile submission wrote into /autograder/results"
run empty
python3 "$here/check_gradescope_results.py" "$src" "$work"
echo "gradescope test: passed"
