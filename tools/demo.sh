#!/usr/bin/env bash
# make demo: grade the sample submissions (the reference, the untouched skeleton, one partly right)
# and print their reports, grade a backprop submission whose ReLU is wrong (the report points from
# the failing net tests to the failing layer), a conv submission whose shift wraps around and a
# saliency submission whose mask gradient stops before the sigmoid, then run the kNN, linear, MLP,
# CNN and saliency demos on the reference; their pictures land in out/.
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

# conv's submission is five files: conv.cpp and cnn.cpp, and the backprop files the CNN is made of
conv_submission=$(mktemp -d)
trap 'rm -rf "$submission" "$conv_submission"' EXIT
cp reference/conv/*.cpp reference/backprop/{layers,optim,solver}.cpp "$conv_submission"/
cp tests/submissions/conv/shift_wraps_around/*.cpp "$conv_submission"/
echo
echo "================================================================================"
echo "pixelgrad grade --assignment conv --submission <shift_wraps_around: a roll, not a shift>"
echo "================================================================================"
"$pixelgrad" grade --assignment conv --submission "$conv_submission"

echo
echo "================================================================================"
echo "pixelgrad grade --assignment saliency --submission tests/submissions/saliency/mask_gradient_wrt_sigma"
echo "================================================================================"
"$pixelgrad" grade --assignment saliency --submission tests/submissions/saliency/mask_gradient_wrt_sigma

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
echo "================================================================================"
echo "the CNN demo (reference): the lectures' kernels, the CNN for 1 epoch, the shift table"
echo "================================================================================"
"$build/assignments/conv/cnn_demo_reference" --output out/conv

echo
echo "================================================================================"
echo "the saliency demo (reference): what the MLP and the CNN saved above look at"
echo "================================================================================"
"$build/assignments/saliency/saliency_demo_reference" --mlp out/backprop/mlp.pgw \
  --cnn out/conv/cnn.pgw --output out/saliency

echo
echo "the pictures: out/knn/knn_cross_validation.png, out/linear/linear_templates_svm.png,"
echo "out/linear/linear_templates_softmax.png, out/linear/linear_loss_curves.png,"
echo "out/backprop/mlp_loss.png, out/backprop/mlp_accuracy.png, out/conv/conv_kernels.png,"
echo "out/conv/cnn_loss.png, out/conv/cnn_filters.png, out/conv/shift_accuracy.png,"
echo "out/saliency/saliency_mlp.png, out/saliency/saliency_cnn.png, out/saliency/faithfulness.png"
echo "and out/saliency/spurious_marker.png"
