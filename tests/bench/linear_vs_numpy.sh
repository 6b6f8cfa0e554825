#!/usr/bin/env bash
# Runs the linear-loss benchmark and its numpy baseline back to back on this machine and prints
# the ratio (ours / numpy) per loss; skipped without python3-numpy.
# Usage: linear_vs_numpy.sh BUILD_DIR [--quick]
set -euo pipefail
build=${1:-build}
here=$(dirname "$0")
if ! /usr/bin/python3 -c "import numpy" 2>/dev/null; then
  echo "linear_vs_numpy.sh: skipped, numpy is not installed (apt-get install python3-numpy)" >&2
  exit 0
fi
ours=$("$build/tests/bench/bench_linear" ${2:-})
theirs=$(/usr/bin/python3 "$here/numpy_linear.py" ${2:-})
printf "%-26s %10s %10s %8s\n" loss pixelgrad numpy ratio
while read -r name t; do
  n=$(awk -v k="$name" '$1 == k {print $2}' <<< "$theirs")
  awk -v name="$name" -v a="$t" -v b="$n" 'BEGIN { printf "%-26s %9.4fs %9.4fs %8.2f\n", name, a, b, a / b }'
done <<< "$ours"
