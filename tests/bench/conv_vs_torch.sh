#!/usr/bin/env bash
# One training step (forward + backward, batch 64) of the lecture's CNN: the reference's fast
# layers (bench_conv --step-only: its lean step, and the reference's ConvNet::loss, which the
# solver trains) and PyTorch (torch_conv.py, float64 and float32), all on
# THREADS threads (default 2), taken in turns for ROUNDS rounds so that a busy moment of the
# machine hits all of them; prints the fastest step of each and the ratios. Needs Debian's
# python3-torch (skipped without it). Usage: conv_vs_torch.sh BUILD_DIR [ROUNDS] [THREADS]
set -euo pipefail
build=${1:-build}
rounds=${2:-3}
threads=${3:-2}
here=$(dirname "$0")
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "conv_vs_torch.sh: skipped, PyTorch is not installed (apt-get install python3-torch)" >&2
  exit 0
fi
best() { awk -v cur="$1" -v new="$2" 'BEGIN { if (cur == "" || new < cur) print new; else print cur }'; }
ours="" model="" t64="" t32=""
for _ in $(seq "$rounds"); do
  out=$("$build/tests/bench/bench_conv" --step-only --threads "$threads")
  ours=$(best "$ours" "$(echo "$out" | awk '$1 == "step_f64" {print $2}')")
  model=$(best "$model" "$(echo "$out" | awk '$1 == "model_step_f64" {print $2}')")
  s=$(/usr/bin/python3 "$here/torch_conv.py" --dtype float64 --threads "$threads" --fastest | awk '{print $2}')
  t64=$(best "$t64" "$s")
  s=$(/usr/bin/python3 "$here/torch_conv.py" --dtype float32 --threads "$threads" --fastest | awk '{print $2}')
  t32=$(best "$t32" "$s")
done
printf "CNN training step, batch 64, %d threads, fastest of %d rounds\n" "$threads" "$rounds"
printf "%-28s %8.4f s\n" "pixelgrad reference (f64)" "$ours" "ConvNet::loss (f64)" "$model" \
  "pytorch float64" "$t64" "pytorch float32" "$t32"
awk -v a="$ours" -v m="$model" -v b="$t64" -v c="$t32" \
  'BEGIN { printf "ratio pixelgrad / pytorch float64 %.2f, / float32 %.2f; ConvNet::loss / pytorch float64 %.2f\n", a / b, a / c, m / b }'
