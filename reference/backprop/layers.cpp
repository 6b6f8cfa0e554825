// Backpropagation: the lecture's circuits, affine, ReLU, sigmoid, the two losses and the
// affine-ReLU sandwich, forward and backward (assignment 3). Not the update rules (optim.cpp).
#include "backprop/layers.hpp"

#include <cmath>
#include <string>

#include "common/errors.hpp"

namespace pg::backprop {

namespace {

void check_labels(const char* function, const Mat& scores, const IVec& y) {
  require(y.size() == scores.rows() && scores.rows() >= 1, function,
          "scores has shape " + shape_of(scores) + " but y has " + std::to_string(y.size()) +
              " labels; they must match and N >= 1");
  require(y.minCoeff() >= 0 && y.maxCoeff() < scores.cols(), function,
          "labels must be in 0.." + std::to_string(scores.cols() - 1));
}

}  // namespace

AddMulForward add_mul_forward(double x, double y, double z) {
  double out = 0;
  // TODO: q = x + y, out = q * z.
  // BEGIN SOLUTION
  out = (x + y) * z;
  // END SOLUTION
  return {out, {x, y, z}};
}

AddMulGrads add_mul_backward(double dout, const AddMulCache& cache) {
  AddMulGrads g{0, 0, 0};
  // TODO: chain rule through the multiply gate (df/dq = z, df/dz = q) and the add gate, which
  //       hands its upstream gradient to both inputs unchanged.
  // BEGIN SOLUTION
  const double q = cache.x + cache.y;
  g.dz = q * dout;
  const double dq = cache.z * dout;
  g.dx = dq;
  g.dy = dq;
  // END SOLUTION
  return g;
}

NeuronForward neuron_forward(const Vec& w, const Vec& x, double b) {
  require(w.size() == x.size(), "neuron_forward",
          "w has " + std::to_string(w.size()) + " entries and x has " + std::to_string(x.size()));
  double out = 0;
  // TODO: out = 1 / (1 + exp(-(w . x + b))).
  // BEGIN SOLUTION
  out = 1.0 / (1.0 + std::exp(-(w.dot(x) + b)));
  // END SOLUTION
  return {out, {w, x, out}};
}

NeuronGrads neuron_backward(double dout, const NeuronCache& cache) {
  NeuronGrads g{Vec::Zero(cache.w.size()), Vec::Zero(cache.x.size()), 0};
  // TODO: with a = w . x + b, dsigma/da = out * (1 - out); then da/dw = x, da/dx = w, da/db = 1.
  // BEGIN SOLUTION
  const double da = cache.out * (1.0 - cache.out) * dout;
  g.dw = da * cache.x;
  g.dx = da * cache.w;
  g.db = da;
  // END SOLUTION
  return g;
}

AffineForward affine_forward(const Mat& x, const Mat& w, const Vec& b) {
  require(x.cols() == w.rows(), "affine_forward",
          "x has shape " + shape_of(x) + " and w has shape " + shape_of(w) +
              "; x.cols() must equal w.rows()");
  require(b.size() == w.cols(), "affine_forward",
          "b has " + std::to_string(b.size()) + " entries but w has " + std::to_string(w.cols()) +
              " columns");
  Mat out;
  // TODO: out = x * w, plus b added to every row (out.rowwise() += b.transpose()).
  // BEGIN SOLUTION
  out.noalias() = x * w;  // noalias: the product is written straight into out, no temporary
  out.rowwise() += b.transpose();
  // END SOLUTION
  return {out, {x, w}};
}

AffineGrads affine_backward(const Mat& dout, const AffineCache& cache) {
  check_shape("affine_backward", "dout", dout, cache.x.rows(), cache.w.cols());
  AffineGrads g;
  // TODO: dx = dout * w^T (N, D), dw = x^T * dout (D, M), db = column sums of dout (M).
  // BEGIN SOLUTION
  g.dx.noalias() = dout * cache.w.transpose();
  g.dw.noalias() = cache.x.transpose() * dout;
  g.db = dout.colwise().sum().transpose();
  // END SOLUTION
  return g;
}

ReluForward relu_forward(const Mat& x) {
  Mat out;
  // TODO: out = max(0, x) elementwise.
  // BEGIN SOLUTION
  out = x.cwiseMax(0.0);
  // END SOLUTION
  return {out, x};
}

ReluGrads relu_backward(const Mat& dout, const Mat& cache) {
  check_shape("relu_backward", "dout", dout, cache.rows(), cache.cols());
  ReluGrads g;
  // TODO: dx = dout where x > 0, and 0 elsewhere (x = 0 included).
  // BEGIN SOLUTION
  g.dx = (cache.array() > 0).select(dout, 0.0);
  // END SOLUTION
  return g;
}

SigmoidForward sigmoid_forward(const Mat& x) {
  Mat out(x.rows(), x.cols());
  // TODO: out = 1 / (1 + exp(-x)) elementwise, without overflow: for x < 0 use the equal form
  //       exp(x) / (1 + exp(x)), so that exp never sees a large positive argument.
  // BEGIN SOLUTION
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const double v = x.data()[i];
    out.data()[i] = v >= 0 ? 1.0 / (1.0 + std::exp(-v)) : std::exp(v) / (1.0 + std::exp(v));
  }
  // END SOLUTION
  return {out, out};
}

SigmoidGrads sigmoid_backward(const Mat& dout, const Mat& cache) {
  check_shape("sigmoid_backward", "dout", dout, cache.rows(), cache.cols());
  SigmoidGrads g;
  // TODO: dx = dout * out * (1 - out), elementwise (the cache is out).
  // BEGIN SOLUTION
  g.dx = (dout.array() * cache.array() * (1.0 - cache.array())).matrix();
  // END SOLUTION
  return g;
}

LossResult softmax_loss(const Mat& scores, const IVec& y) {
  check_labels("softmax_loss", scores, y);
  LossResult r{0.0, Mat()};
  // TODO: shifted = scores minus each row's max (N, C); sums (N) = row sums of exp(shifted);
  //       loss = mean over i of log(sums(i)) - shifted(i, y(i)) (not -log P(i, y(i)), which is
  //       log(0) = -inf when P underflows); P = exp(shifted) / sums, row by row;
  //       dscores = (P - one_hot(y)) / N (N, C).
  // BEGIN SOLUTION
  const auto N = static_cast<double>(scores.rows());
  Mat shifted = scores;
  shifted.colwise() -= scores.rowwise().maxCoeff();
  Mat P = shifted.array().exp().matrix();
  const Vec sums = P.rowwise().sum();
  P.array().colwise() /= sums.array();
  for (Eigen::Index i = 0; i < scores.rows(); ++i) {
    r.loss += std::log(sums(i)) - shifted(i, y(i));
    P(i, y(i)) -= 1.0;
  }
  r.loss /= N;
  r.dscores = P / N;
  // END SOLUTION
  return r;
}

LossResult svm_loss(const Mat& scores, const IVec& y) {
  check_labels("svm_loss", scores, y);
  LossResult r{0.0, Mat()};
  // TODO: margins = max(0, s_ij - s_{i,y_i} + 1) for j != y_i; loss = sum / N;
  //       dscores(i, j) = 1/N where the margin is positive, dscores(i, y_i) = -(their count)/N.
  // BEGIN SOLUTION
  const auto N = static_cast<double>(scores.rows());
  r.dscores = Mat::Zero(scores.rows(), scores.cols());
  for (Eigen::Index i = 0; i < scores.rows(); ++i) {
    for (Eigen::Index j = 0; j < scores.cols(); ++j) {
      if (j == y(i)) continue;
      const double margin = scores(i, j) - scores(i, y(i)) + 1.0;
      if (margin > 0) {
        r.loss += margin;
        r.dscores(i, j) += 1.0 / N;
        r.dscores(i, y(i)) -= 1.0 / N;
      }
    }
  }
  r.loss /= N;
  // END SOLUTION
  return r;
}

AffineReluForward affine_relu_forward(const Mat& x, const Mat& w, const Vec& b) {
  AffineReluForward f;
  // TODO: the affine layer, then the ReLU; keep both caches.
  // BEGIN SOLUTION
  AffineForward a = affine_forward(x, w, b);
  ReluForward r = relu_forward(a.out);
  f.out = std::move(r.out);
  f.cache = {std::move(a.cache), std::move(r.cache)};
  // END SOLUTION
  return f;
}

AffineGrads affine_relu_backward(const Mat& dout, const AffineReluCache& cache) {
  AffineGrads g;
  // TODO: back through the ReLU, then through the affine layer.
  // BEGIN SOLUTION
  g = affine_backward(relu_backward(dout, cache.relu).dx, cache.affine);
  // END SOLUTION
  return g;
}

}  // namespace pg::backprop
