#!/usr/bin/env bash
# One epoch of the lecture's MLP (784-128-64-10, Adam, batch 64, 55000 rows): the reference's
# solver (bench_backprop) and PyTorch (torch_mlp.py, float64 and float32), taken in turns for
# ROUNDS rounds so that a busy moment of the machine hits all of them; prints the fastest epoch of
# each and the ratios. Needs Debian's python3-torch (skipped without it). Usage: mlp_vs_torch.sh BUILD_DIR [ROUNDS]
set -euo pipefail
build=${1:-build}
rounds=${2:-3}
here=$(dirname "$0")
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "mlp_vs_torch.sh: skipped, PyTorch is not installed (apt-get install python3-torch)" >&2
  exit 0
fi
best() { awk -v cur="$1" -v new="$2" 'BEGIN { if (cur == "" || new < cur) print new; else print cur }'; }
ours="" t64="" t32=""
for _ in $(seq "$rounds"); do
  s=$("$build/tests/bench/bench_backprop" --only reference | awk '$1 == "reference" {print $2}')
  ours=$(best "$ours" "$s")
  s=$(/usr/bin/python3 "$here/torch_mlp.py" --epochs 1 --dtype float64 --fastest | awk '{print $2}')
  t64=$(best "$t64" "$s")
  s=$(/usr/bin/python3 "$here/torch_mlp.py" --epochs 1 --dtype float32 --fastest | awk '{print $2}')
  t32=$(best "$t32" "$s")
done
printf "one epoch, fastest of %d rounds\n" "$rounds"
printf "%-28s %8.3f s\n" "pixelgrad reference (f64)" "$ours" "pytorch float64" "$t64" "pytorch float32" "$t32"
awk -v a="$ours" -v b="$t64" -v c="$t32" \
  'BEGIN { printf "ratio pixelgrad / pytorch float64 %.2f, / float32 %.2f\n", a / b, a / c }'
