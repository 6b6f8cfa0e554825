#!/usr/bin/env bash
# make demo: grade the sample submissions (the reference, the untouched skeleton, one partly right)
# and print their reports, grade a backprop submission whose ReLU is wrong (the report points from
# the failing net tests to the failing layer), then run the kNN, linear and MLP demos on the
# reference; their pictures land in out/.
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

# the sample holds only its wrong file (layers.cpp); the other three are the reference's
submission=$(mktemp -d)
trap 'rm -rf "$submission"' EXIT
cp reference/backprop/*.cpp "$submission"/
cp tests/submissions/backprop/relu_passes_negative/*.cpp "$submission"/
echo
echo "================================================================================"
echo "pixelgrad grade --assignment backprop --submission <relu_passes_negative: a wrong ReLU>"
echo "================================================================================"
"$pixelgrad" grade --assignment backprop --submission "$submission"

echo
echo "================================================================================"
echo "the kNN demo (reference): cross-validation on 5000 Fashion-MNIST images"
echo "================================================================================"
"$build/assignments/knn/knn_demo_reference" --output out/knn

echo
echo "================================================================================"
echo "the linear demo (reference): SVM and softmax on Fashion-MNIST, their weight templates"
echo "================================================================================"
"$build/assignments/linear/linear_demo_reference" --output out/linear

echo
echo "================================================================================"
echo "the MLP demo (reference): 784-128-64-10 with Adam on Fashion-MNIST, 5 epochs"
echo "================================================================================"
"$build/assignments/backprop/mlp_demo_reference" --output out/backprop

echo
echo "the pictures: out/knn/knn_cross_validation.png, out/linear/linear_templates_svm.png,"
echo "out/linear/linear_templates_softmax.png, out/linear/linear_loss_curves.png,"
echo "out/backprop/mlp_loss.png and out/backprop/mlp_accuracy.png"
