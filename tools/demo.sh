#!/usr/bin/env bash
# make demo: grade the sample submissions (the reference, the untouched skeleton, one partly right)
# and print their reports, then run the kNN demo on the reference.
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
pixelgrad="$build/grader/pixelgrad"

for sample in reference/knn assignments/knn tests/submissions/knn/partly_right; do
  echo
  echo "================================================================================"
  echo "pixelgrad grade --assignment knn --submission $sample"
  echo "================================================================================"
  "$pixelgrad" grade --assignment knn --submission "$sample"
done

echo
echo "================================================================================"
echo "the kNN demo (reference): cross-validation on 5000 Fashion-MNIST images"
echo "================================================================================"
"$build/assignments/knn/knn_demo_reference" --output out/knn
