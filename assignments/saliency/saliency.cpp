// Saliency (assignment 5): the gradient of a class score with respect to the pixels, the
// lecture's learned mask and a mask that deletes, and Grad-CAM. Not the nets (models.cpp, given).
#include "saliency/saliency.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include "common/errors.hpp"
#include "common/tensor.hpp"

namespace pg::saliency {

namespace {

using Index = Eigen::Index;

// Throws std::invalid_argument unless X has the model's columns and targets one class per row.
void check_batch(const char* function, const Classifier& model, const Mat& X,
                 const IVec& targets) {
  check_shape(function, "X", X, -1, model.input_size());
  require(targets.size() == X.rows(), function,
          "X has shape " + shape_of(X) + " but targets has " + std::to_string(targets.size()) +
              " entries (one per row of X)");
  for (Index n = 0; n < targets.size(); ++n) {
    require(targets(n) >= 0 && targets(n) < model.num_classes(), function,
            "targets(" + std::to_string(n) + ") = " + std::to_string(targets(n)) +
                " is not a class 0.." + std::to_string(model.num_classes() - 1));
  }
}

// (N, K) zeros with a 1 at (n, targets(n)): the dscores that picks each image's target score.
Mat one_hot(const IVec& targets, long num_classes) {
  Mat d = Mat::Zero(targets.size(), num_classes);
  for (Index n = 0; n < targets.size(); ++n) d(n, targets(n)) = 1.0;
  return d;
}

// sigma(m) = 1 / (1 + exp(-m)), elementwise.
Mat sigmoid(const Mat& m) { return (1.0 + (-m.array()).exp()).inverse().matrix(); }

}  // namespace

Mat gradient_saliency(const Classifier& model, const Mat& X, const IVec& targets) {
  check_batch("gradient_saliency", model, X, targets);
  Mat saliency;
  // TODO: model.input_gradient(X, dscores) with dscores = one_hot(targets, K), then the absolute
  //       value of every entry. (N, D).
  throw pg::NotImplemented(__func__);
  return saliency;
}

MaskLoss mask_objective(const Classifier& model, const Mat& X, const IVec& targets, const Mat& m,
                        Objective objective, double lambda) {
  check_batch("mask_objective", model, X, targets);
  check_shape("mask_objective", "m", m, X.rows(), X.cols());
  require(lambda >= 0, "mask_objective", "lambda must be >= 0, got " + std::to_string(lambda));
  MaskLoss r{0.0, Mat(), Mat()};
  // TODO: s = sigmoid(m), the masked images xm = X * s elementwise (X.cwiseProduct(s)); one
  //       forward pass of them, pass = model.forward(xm), and their scores
  //       r.scores = pass->scores() (N, K).
  //       preserve: loss = -sum over n of scores(n, t_n); d loss / d scores = -one_hot.
  //       deletion: p = softmax of each row of scores (subtract the row's max before exp);
  //                 loss = sum over n of (p(n, t_n) + lambda * mean over d of (1 - s(n, d)));
  //                 d p_t / d scores_k = p_t * ([k == t] - p_k).
  //       Then back through the net to the masked images: g = pass->input_gradient(dscores),
  //       and through xm = X * sigma(m): dm = g * X * s * (1 - s), elementwise; deletion adds
  //       -lambda / D * s * (1 - s) for its mean term.
  throw pg::NotImplemented(__func__);
  return r;
}

MaskResult optimize_mask(const Classifier& model, const Mat& X, const IVec& targets,
                         int num_iters, double lr, Objective objective, double lambda) {
  check_batch("optimize_mask", model, X, targets);
  require(num_iters >= 1, "optimize_mask",
          "num_iters must be at least 1, got " + std::to_string(num_iters));
  require(lr > 0, "optimize_mask", "lr must be > 0, got " + std::to_string(lr));
  MaskResult r{Mat(), Mat(num_iters, X.rows())};
  // TODO: m = zeros (N, D), Adam's v1 = v2 = zeros too. For i = 0 .. num_iters-1:
  //       f = mask_objective(model, X, targets, m, objective, lambda);
  //       r.target_scores(i, n) = f.scores(n, t_n), the masked image's score of its target;
  //       g = f.dm;
  //       t = i + 1; v1 = 0.9 v1 + 0.1 g; v2 = 0.999 v2 + 0.001 g^2;
  //       m -= lr * (v1 / (1 - 0.9^t)) / (sqrt(v2 / (1 - 0.999^t)) + 1e-8).
  //       r.mask = sigmoid(m) at the end.
  throw pg::NotImplemented(__func__);
  return r;
}

Mat resize_bilinear(const Mat& map, int out_rows, int out_cols) {
  require(map.rows() >= 1 && map.cols() >= 1, "resize_bilinear",
          "map has shape " + shape_of(map) + "; it needs at least one pixel");
  require(out_rows >= 1 && out_cols >= 1, "resize_bilinear",
          "the output size " + std::to_string(out_rows) + " x " + std::to_string(out_cols) +
              " must be at least 1 x 1");
  Mat out(out_rows, out_cols);
  // TODO: for each output (i, j): y = (i + 0.5) * rows / out_rows - 0.5 clamped to
  //       [0, rows - 1], y0 = floor(y), y1 = min(y0 + 1, rows - 1), a = y - y0; x, x0, x1, b the
  //       same way with the columns; mix the four pixels as the header says.
  throw pg::NotImplemented(__func__);
  return out;
}

Mat grad_cam(const Cnn& cnn, const Mat& X, const IVec& targets, CamLayer layer) {
  check_batch("grad_cam", cnn, X, targets);
  const int height = cnn.config().height, width = cnn.config().width;
  Mat cams(X.rows(), static_cast<Index>(height) * width);
  // TODO: A = cnn.features(X, layer) (N, F2, h, w) and
  //       G = cnn.features_gradient(A, layer, one_hot(targets, K)), the same shape.
  //       For each image n: alpha_k = mean of G(n, k, ., .); cam (h, w) = ReLU(sum over k of
  //       alpha_k * A(n, k, ., .)); resize_bilinear(cam, height, width); divide by its max
  //       unless that is 0; store it row-major in cams.row(n).
  //       (Eigen::Map<const Mat>(pointer, rows, cols) sees a stretch of a tensor as a matrix.)
  throw pg::NotImplemented(__func__);
  return cams;
}

}  // namespace pg::saliency
