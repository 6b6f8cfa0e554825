// Assignment 5, saliency: what a trained net looks at. The gradient of a class score with
// respect to the pixels, the lecture's learned mask (and a mask that deletes), and Grad-CAM on
// the CNN's feature maps. You implement saliency.cpp; the nets (models.hpp) are given. This
// header is the contract shared by your code, the reference and the grader. Do not edit.
//
// Shapes:  N = batch size,  D = pixels of an image (C*H*W),  K = classes.
//          Every function takes a batch: X (N, D), one image per row, and targets (N), the class
//          each image is explained for. Each image is explained on its own: row n of every result
//          is the same as for a batch holding image n alone.
#pragma once

#include "common/types.hpp"
#include "saliency/models.hpp"

namespace pg::saliency {

// --- Gradient saliency ---------------------------------------------------------------------------

// |d s_t / d x|: how much a change of each pixel changes image n's score of class t = targets(n).
// Returns: (N, D), row n the absolute value of the gradient of image n's target score with respect
//          to its pixels (Classifier::input_gradient with a one-hot dscores).
// Requires: X has model.input_size() columns, targets has N entries in 0..K-1; otherwise
//           std::invalid_argument naming the shapes.
Mat gradient_saliency(const Classifier& model, const Mat& X, const IVec& targets);

// --- The learned mask ------------------------------------------------------------------------------

// What the mask is learned for.
//   preserve  the lecture's: loss = -s_t(x * sigma(m)), keep what makes the target score high.
//   deletion  loss = softmax_t(x * sigma(m)) + lambda * mean(1 - sigma(m)): make the prediction
//             less right by removing (sigma near 0) as few pixels as it can; the mean is over the
//             image's D pixels, softmax_t = exp(s_t) / sum_k exp(s_k), the target's probability.
// sigma(m) = 1 / (1 + exp(-m)), elementwise; x * sigma(m) multiplies pixel by pixel.
enum class Objective { preserve, deletion };

// deletion's lambda, the price of removing every pixel
inline constexpr double kDeletionLambda = 1.0;

struct MaskLoss {
  double loss;  // the sum over the batch of each image's loss
  Mat dm;       // (N, D): d loss / d m, so row n is d(image n's loss) / d m_n
  Mat scores;   // (N, K): the scores of the masked images x * sigma(m), from the forward pass
};

// The mask's loss and its gradient with respect to the mask logits m (not sigma(m): the chain
// rule goes through sigma, d sigma / d m = sigma(m) * (1 - sigma(m))).
// Inputs: X (N, D) the images, targets (N), m (N, D) the logits of each image's mask.
// Requires: m has X's shape, plus gradient_saliency's requirements; lambda >= 0; otherwise
//           std::invalid_argument naming the shapes.
MaskLoss mask_objective(const Classifier& model, const Mat& X, const IVec& targets, const Mat& m,
                        Objective objective = Objective::preserve,
                        double lambda = kDeletionLambda);

struct MaskResult {
  Mat mask;           // (N, D): sigma(m) after the last step, every value in [0, 1]
  Mat target_scores;  // (num_iters, N): row i holds s_t(x * sigma(m)) at iteration i, from the
                      // forward pass before step i (the lecture prints it as "Confidence")
};

// The lecture's optimize_mask, for a batch: m starts at 0 (sigma(m) = 0.5 everywhere); then
// num_iters times: the loss, d loss / d m and the scores (mask_objective), and one Adam step on m with
// PyTorch's Adam (as in the backprop assignment), beta1 = 0.9, beta2 = 0.999, eps = 1e-8, t = 1,
// 2, ...:
//   v1 = beta1 * v1 + (1 - beta1) * g,   v2 = beta2 * v2 + (1 - beta2) * g^2   (v1 = v2 = 0 at first)
//   m -= lr * (v1 / (1 - beta1^t)) / (sqrt(v2 / (1 - beta2^t)) + eps)
// elementwise. The loss of a batch is a sum, so each image's mask learns as if it were alone.
// Requires: num_iters >= 1, lr > 0, plus mask_objective's requirements; otherwise
//           std::invalid_argument.
MaskResult optimize_mask(const Classifier& model, const Mat& X, const IVec& targets,
                         int num_iters = 300, double lr = 0.1,
                         Objective objective = Objective::preserve,
                         double lambda = kDeletionLambda);

// --- Grad-CAM ----------------------------------------------------------------------------------------

// Resizes a map with bilinear interpolation, pixel centres aligned as PyTorch's
// F.interpolate(mode="bilinear", align_corners=False) and OpenCV's resize do: output pixel
// (i, j) samples the input at
//   y = (i + 0.5) * rows / out_rows - 0.5,   x = (j + 0.5) * cols / out_cols - 0.5,
// each clamped to [0, rows - 1] and [0, cols - 1], and mixes the up to four input pixels around
// (y, x): with y0 = floor(y), y1 = min(y0 + 1, rows - 1), a = y - y0 (and x0, x1, b the same way),
//   out(i, j) = (1-a)(1-b) in(y0, x0) + (1-a) b in(y0, x1) + a (1-b) in(y1, x0) + a b in(y1, x1).
// A map of the output's size comes back unchanged.
// Requires: map is at least 1 x 1, out_rows, out_cols >= 1; otherwise std::invalid_argument.
Mat resize_bilinear(const Mat& map, int out_rows, int out_cols);

// Grad-CAM on the CNN's feature maps A at `layer` (models.hpp: conv2, the last conv layer, by
// default). For image n and its target t, with A^k the k-th map (h, w) of features(X, layer) and
// G^k the same map of d s_t / d A (features_gradient with a one-hot dscores):
//   alpha_k = mean over the h*w positions of G^k       (channel weights)
//   cam     = ReLU(sum over k of alpha_k A^k)          (h, w)
//   cam     = resize_bilinear(cam, H, W)               (the input's size)
//   cam     = cam / max(cam), or all 0 when max(cam) is 0
// Returns: (N, H*W), row n image n's map, row-major, every value in [0, 1].
// Requires: X has cnn.input_size() columns, targets N entries in 0..K-1; otherwise
//           std::invalid_argument naming the shapes.
Mat grad_cam(const Cnn& cnn, const Mat& X, const IVec& targets, CamLayer layer = CamLayer::conv2);

}  // namespace pg::saliency
