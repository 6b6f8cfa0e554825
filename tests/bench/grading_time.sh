#!/usr/bin/env bash
# How long grading takes and where the time goes: grades each assignment's reference N times and
# prints one table row per assignment: the wall time of a grading (min / median / max) and the
# median of each stage of the report's profile (prepare, compile, link, making inputs, reference
# runs, student runs, the rest).
# Usage: grading_time.sh [BUILD_DIR] [--runs N] [--assignment A]
#   --runs N         gradings per assignment (default 5)
#   --assignment A   only assignment A (knn, linear, backprop or conv)
set -euo pipefail
build=build
runs=5
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --assignment) only=$2; shift 2 ;;
    --help|-h) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) build=$1; shift ;;
  esac
done
root=$(cd "$(dirname "$0")/../.." && pwd)
pixelgrad="$build/grader/pixelgrad"
if [ ! -x "$pixelgrad" ]; then
  echo "grading_time.sh: $pixelgrad is missing; run 'make build' first" >&2
  exit 2
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# conv's submission holds the backprop files its CNN is made of
mkdir "$out/conv-submission"
cp "$root"/reference/conv/*.cpp "$root"/reference/backprop/{layers,optim,solver}.cpp \
  "$out/conv-submission"/
for a in knn linear backprop conv; do
  [ -n "$only" ] && [ "$a" != "$only" ] && continue
  submission="$root/reference/$a"
  [ "$a" = conv ] && submission="$out/conv-submission"
  for i in $(seq "$runs"); do
    "$pixelgrad" grade --assignment "$a" --submission "$submission" --format json \
      --output "$out/$a-$i.json" > /dev/null
  done
done

python3 - "$out" <<'PY'
import glob, json, statistics, sys
stages = ["prepare_s", "compile_s", "link_s", "inputs_s", "reference_s", "student_s", "other_s"]
print("| assignment | runs | score | grading s (min / median / max) | " +
      " | ".join(s[:-2] for s in stages) + " |")
print("|---|---|---|---|" + "---|" * len(stages))
for a in ["knn", "linear", "backprop", "conv", "saliency"]:
    docs = [json.load(open(f)) for f in sorted(glob.glob(f"{sys.argv[1]}/{a}-*.json"))]
    if not docs:
        continue
    wall = [d["execution_time"] for d in docs]
    scores = {f'{d["score"]:g}/{d["max_score"]:g}' for d in docs}
    med = [statistics.median(d["profile"][s] for d in docs) for s in stages]
    print(f"| {a} | {len(docs)} | {', '.join(sorted(scores))} | "
          f"{min(wall):.1f} / {statistics.median(wall):.1f} / {max(wall):.1f} | " +
          " | ".join(f"{m:.2f}" for m in med) + " |")
PY
