#!/usr/bin/env bash
# Grades the reference and the correct-but-slow samples again and again, optionally with busy
# loops running beside the grader, and prints one table row per timed test and submission: the
# ratios seen (student CPU time / reference CPU time), how often the test failed, the reference's
# CPU time per run, and the share of a run's CPU spent loading its inputs.
# Usage: timing_under_load.sh [BUILD_DIR] [--runs N] [--busy K] [--assignment A]
#   --runs N   gradings per submission (default 10)
#   --busy K   start K busy loops (`while :; do :; done`) for the duration (default 0)
#   --assignment A   only the submissions of assignment A (knn, linear or conv)
set -euo pipefail
build=build
runs=10
busy=0
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --busy) busy=$2; shift 2 ;;
    --assignment) only=$2; shift 2 ;;
    --help|-h) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) build=$1; shift ;;
  esac
done
root=$(cd "$(dirname "$0")/../.." && pwd)
pixelgrad="$build/grader/pixelgrad"
if [ ! -x "$pixelgrad" ]; then
  echo "timing_under_load.sh: $pixelgrad is missing; run 'make build' first" >&2
  exit 2
fi
if ! command -v python3 >/dev/null; then
  echo "timing_under_load.sh: skipped, python3 is needed for the table" >&2
  exit 0
fi

out=$(mktemp -d)
loops=()
cleanup() {
  for pid in "${loops[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$out"
}
trap cleanup EXIT
for _ in $(seq "$busy"); do
  (while :; do :; done) &
  loops+=($!)
done

# assignment and submission folder, one per line: the reference is right and fast, the samples
# right and slow
submissions=(
  "knn reference/knn"
  "knn tests/submissions/knn/no_loops_loops_over_test_rows"
  "linear reference/linear"
  "linear tests/submissions/linear/svm_vectorized_loops_over_examples"
  "linear tests/submissions/linear/softmax_vectorized_loops_over_examples"
  "conv reference/conv"
  "conv tests/submissions/conv/fast_conv_calls_the_naive_one"
)
start=$(date +%s)
for index in "${!submissions[@]}"; do
  read -r assignment submission <<< "${submissions[$index]}"
  if [ -n "$only" ] && [ "$assignment" != "$only" ]; then continue; fi
  mkdir -p "$out/$index"
  case "$submission" in
    reference/*) echo "reference ($assignment)" ;;
    *) basename "$submission" ;;
  esac > "$out/$index/name"
  folder="$root/$submission"
  if [ "$assignment" = conv ]; then
    # a conv submission holds the backprop files its CNN is made of: the reference's files, then
    # the sample's own over them
    folder="$out/conv-$index"
    mkdir "$folder"
    cp "$root"/reference/conv/*.cpp "$root"/reference/backprop/{layers,optim,solver}.cpp "$folder"/
    cp "$root/$submission"/*.cpp "$folder"/
  fi
  for i in $(seq "$runs"); do
    "$pixelgrad" grade --assignment "$assignment" --submission "$folder" --format json \
      --output "$out/$index/$i.json" > /dev/null
  done
done
echo "$runs gradings per submission, $busy busy loops, $(nproc) cores, $(( $(date +%s) - start )) s;" \
     "load average $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$out" <<'EOF'
import glob, json, os, re, statistics, sys
rows = {}
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*", "*.json"))):
    submission = open(os.path.join(os.path.dirname(path), "name")).read().strip()
    report = json.load(open(path))
    for t in report["tests"]:
        # a timed test's rows, also where it failed before timing ("... is fast", "... are fast")
        if t.get("reference_cpu_s") is None and not re.search(r"\b(is|are) fast\b", t["name"]):
            continue
        row = rows.setdefault((t["name"], submission), [])
        row.append(t)
print(f"{'timed test':44} {'submission':38} {'ratio min':>9} {'median':>7} {'max':>6} "
      f"{'failed':>7} {'ref CPU ms':>10} {'load ms':>8} {'load/run':>8}")
for (name, submission), tests in rows.items():
    ratios = [t["ratio"] for t in tests if t["ratio"] is not None]
    failed = sum(t["verdict"] != "passed" for t in tests)
    ref = [t["reference_cpu_s"] for t in tests if t["reference_cpu_s"] is not None]
    load = [t["load_cpu_s"] for t in tests if t["load_cpu_s"] is not None]
    r = (f"{min(ratios):9.2f} {statistics.median(ratios):7.2f} {max(ratios):6.2f}"
         if ratios else f"{'-':>9} {'-':>7} {'-':>6}")
    ms = lambda v: f"{1000 * statistics.median(v):.1f}" if v else "-"
    # the share of a reference run's CPU spent loading the inputs (counted only beyond the
    # reference's own least load time, so an honest load adds next to nothing)
    share = (f"{100 * statistics.median(load) / (statistics.median(load) + statistics.median(ref)):.0f}%"
             if ref and load else "-")
    print(f"{name[:44]:44} {submission[:38]:38} {r} {failed:>3}/{len(tests):<3} "
          f"{ms(ref):>10} {ms(load):>8} {share:>8}")
EOF
