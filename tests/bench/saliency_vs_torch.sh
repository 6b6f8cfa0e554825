#!/usr/bin/env bash
# The saliency reference (bench_saliency) against the same methods in PyTorch (torch_saliency.py,
# float32 and float64) on this machine, in one run: seconds per image for gradient saliency and
# Grad-CAM on 1000 images, the learned mask (300 Adam steps) batched, and the lecture's mask one
# image at a time in PyTorch; then the ratios ours / PyTorch. Needs Debian's python3-torch
# (skipped without it). Usage: saliency_vs_torch.sh BUILD_DIR
set -euo pipefail
build=${1:-build}
here=$(dirname "$0")
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "saliency_vs_torch.sh: skipped, PyTorch is not installed (apt-get install python3-torch)" >&2
  exit 0
fi
ours=$(mktemp) t32=$(mktemp) t64=$(mktemp)
trap 'rm -f "$ours" "$t32" "$t64"' EXIT
"$build/tests/bench/bench_saliency" | tee "$ours"
/usr/bin/python3 "$here/torch_saliency.py" --dtype float32 | tee "$t32"
/usr/bin/python3 "$here/torch_saliency.py" --dtype float64 | tee "$t64"
echo
printf "%-22s %12s %12s %12s %10s %10s\n" "seconds per image" "pixelgrad" "torch f32" "torch f64" "/ f32" "/ f64"
for name in mlp_gradient mlp_mask cnn_gradient cnn_grad_cam cnn_mask; do
  a=$(awk -v n="$name" '$1 == n {print $2}' "$ours")
  b=$(awk -v n="$name" '$1 == n {print $2}' "$t32")
  c=$(awk -v n="$name" '$1 == n {print $2}' "$t64")
  awk -v n="$name" -v a="$a" -v b="$b" -v c="$c" \
    'BEGIN { printf "%-22s %12.6f %12.6f %12.6f %10.2f %10.2f\n", n, a, b, c, a / b, a / c }'
done
b=$(awk '$1 == "mlp_mask_one_by_one" {print $2}' "$t32")
a=$(awk '$1 == "mlp_mask" {print $2}' "$ours")
awk -v a="$a" -v b="$b" 'BEGIN { printf "the lecture'"'"'s mask, one image at a time in PyTorch f32: %.6f s per image; ours batched / that: %.3f\n", b, a / b }'
