#!/usr/bin/env bash
# End to end: `pixelgrad release` of knn, then, inside the release alone (the repository hidden by
# bubblewrap): its build with the README's command, `check knn` on the untouched skeleton (every
# public test not_implemented), on the reference copied in (every public test passed) and on a
# buggy sample (the verdicts the repository's grader gives), a scan for solution code and hidden
# tests, and `make test` refused with a message.
#
# usage: test_release.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(realpath "$1")
src=$(realpath "$2")
here=$(dirname "$(realpath "$0")")
pixelgrad=$build/grader/pixelgrad
work=$(mktemp -d /tmp/pixelgrad-release-test-XXXXXX)
trap 'rm -rf "$work"' EXIT
rel=$work/release
case "$work" in "$src"/*) echo "the work folder must be outside the repository"; exit 1 ;; esac

# runs a command inside the release with the repository out of reach
alone() { (cd "$rel" && bwrap --dev-bind / / --tmpfs "$src" --chdir "$rel" -- "$@"); }
fail() { echo "FAILED: $*"; exit 1; }

echo "== release"
"$pixelgrad" release --output "$rel" --assignment knn
grep -q 'assignments/knn/' "$rel/README.md" || fail "the README does not name knn"
for a in linear backprop conv saliency; do
  [ ! -e "$rel/assignments/$a" ] || fail "the release holds assignments/$a"
  [ ! -e "$rel/grader/rubrics/$a.yaml" ] || fail "the release holds the rubric of $a"
done
"$pixelgrad" release --output "$rel" --assignment knn 2>"$work/again.err" && fail "a second release into a full folder was accepted"
grep -q "not an empty folder" "$work/again.err" || fail "no message for a full folder: $(cat "$work/again.err")"

echo "== scan"
python3 "$here/scan_release.py" "$rel" "$src"
# the scan finds a solution where there is one
mkdir -p "$work/leak/assignments/knn"
cp "$src/reference/knn/knn.cpp" "$work/leak/assignments/knn/knn.cpp"
if python3 "$here/scan_release.py" "$work/leak" "$src" >"$work/leak.out"; then
  fail "the scan missed reference/knn/knn.cpp: $(cat "$work/leak.out")"
fi

echo "== build inside the release, the repository hidden"
alone make build >"$work/build.log" 2>&1 || { tail -40 "$work/build.log"; fail "make build"; }
alone make test >"$work/test.out" 2>&1 && fail "make test in a release succeeded"
grep -q "student release" "$work/test.out" || fail "make test: $(cat "$work/test.out")"

echo "== check: skeleton, reference, a buggy sample"
verdicts() {  # report.json -> "name<TAB>verdict" lines, sorted
  python3 -c 'import json,sys; [print(t["name"]+"\t"+t["verdict"]) for t in json.load(open(sys.argv[1]))["tests"]]' "$1" | sort
}
public=$(python3 -c 'import yaml,sys; print(sum(1 for t in yaml.safe_load(open(sys.argv[1]))["tests"] if t.get("visibility","visible")=="visible"))' "$src/grader/rubrics/knn.yaml")
alone build/grader/pixelgrad check knn --format json --output "$work/skeleton.json"
n=$(verdicts "$work/skeleton.json" | grep -c $'\tnot_implemented$' || true)
[ "$n" = "$public" ] || fail "skeleton: $n of $public public tests not_implemented"
(cd "$src" && "$pixelgrad" check knn --format json --output "$work/repo_skeleton.json")
diff <(verdicts "$work/skeleton.json") <(verdicts "$work/repo_skeleton.json") || fail "skeleton verdicts differ from the repository's"

for sub in "$src/reference/knn" "$src/tests/submissions/knn/no_loops_no_clamp"; do
  cp "$sub/knn.cpp" "$rel/assignments/knn/knn.cpp"
  alone build/grader/pixelgrad check knn --format json --output "$work/release.json"
  "$pixelgrad" grade --assignment knn --submission "$sub" --rubric "$rel/grader/rubrics/knn.yaml" \
    --format json --output "$work/repo.json"
  diff <(verdicts "$work/release.json") <(verdicts "$work/repo.json") || fail "$sub: verdicts differ"
  echo "$(basename "$sub"): $(verdicts "$work/release.json" | grep -c $'\tpassed$') of $public passed, as in the repository"
done
n=$(verdicts "$work/repo.json" | grep -vc $'\tpassed$' || true)
[ "$n" -ge 1 ] || fail "the buggy sample passed everything"
echo "release test: passed"
