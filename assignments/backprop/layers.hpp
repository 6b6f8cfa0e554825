// Assignment 3, backpropagation: the lecture's circuits and the layers of a fully-connected net,
// each a forward pass that returns {out, cache} and a backward pass that takes (dout, cache).
// This header is the contract shared by your layers.cpp, the reference and the grader. Do not edit.
//
// Shapes:  N = batch size,  D = input dimension,  M = output dimension of a layer,
//          C = number of classes.  Every Mat is row-major, one example per row.
#pragma once

#include "common/types.hpp"

namespace pg::backprop {

// The circuit f(x, y, z) = (x + y) * z: q = x + y, f = q * z.
struct AddMulCache {
  double x, y, z;
};
struct AddMulForward {
  double out;  // f
  AddMulCache cache;
};
struct AddMulGrads {
  double dx, dy, dz;  // df/dx, df/dy, df/dz times the upstream gradient dout
};
AddMulForward add_mul_forward(double x, double y, double z);
AddMulGrads add_mul_backward(double dout, const AddMulCache& cache);

// The neuron sigma(w . x + b) with the logistic sigma(a) = 1 / (1 + exp(-a)).
struct NeuronCache {
  Vec w, x;    // (D), (D)
  double out;  // sigma(w . x + b)
};
struct NeuronForward {
  double out;
  NeuronCache cache;
};
struct NeuronGrads {
  Vec dw, dx;  // (D), (D)
  double db;
};
NeuronForward neuron_forward(const Vec& w, const Vec& x, double b);
NeuronGrads neuron_backward(double dout, const NeuronCache& cache);

// Affine layer: out = x w + b (b added to every row).
struct AffineCache {
  Mat x;  // (N, D)
  Mat w;  // (D, M)
};
struct AffineForward {
  Mat out;  // (N, M)
  AffineCache cache;
};
struct AffineGrads {
  Mat dx;  // (N, D)
  Mat dw;  // (D, M)
  Vec db;  // (M)
};
// Inputs: x (N, D), w (D, M), b (M). Requires: x.cols() == w.rows(), b.size() == w.cols().
AffineForward affine_forward(const Mat& x, const Mat& w, const Vec& b);
// Inputs: dout (N, M) upstream gradient, the cache of the forward pass.
AffineGrads affine_backward(const Mat& dout, const AffineCache& cache);

// ReLU: out = max(0, x), elementwise. The cache is x. The gradient passes where x > 0 (at x = 0
// it is 0).
struct ReluForward {
  Mat out;    // same shape as x
  Mat cache;  // x
};
struct ReluGrads {
  Mat dx;
};
ReluForward relu_forward(const Mat& x);
ReluGrads relu_backward(const Mat& dout, const Mat& cache);

// Sigmoid: out = 1 / (1 + exp(-x)), elementwise, computed without overflow for large |x|.
// The cache is out (the derivative is out * (1 - out)).
struct SigmoidForward {
  Mat out;
  Mat cache;  // out
};
struct SigmoidGrads {
  Mat dx;
};
SigmoidForward sigmoid_forward(const Mat& x);
SigmoidGrads sigmoid_backward(const Mat& dout, const Mat& cache);

// A loss on class scores and its gradient.
struct LossResult {
  double loss;   // averaged over the N rows
  Mat dscores;   // (N, C) dloss/dscores
};
// Softmax cross-entropy: loss = -(1/N) sum_i log softmax(scores_i)_{y_i}, stable (row max shift).
// Inputs: scores (N, C), y (N) in 0..C-1.
LossResult softmax_loss(const Mat& scores, const IVec& y);
// Multiclass SVM: loss = (1/N) sum_i sum_{j != y_i} max(0, s_ij - s_{i,y_i} + 1). Only margins
// > 0 pass a gradient: a margin of exactly 0 counts as inactive, as ReLU does at x = 0.
LossResult svm_loss(const Mat& scores, const IVec& y);

// The affine-ReLU sandwich: out = relu(x w + b).
struct AffineReluCache {
  AffineCache affine;
  Mat relu;  // the affine output, before the ReLU
};
struct AffineReluForward {
  Mat out;  // (N, M)
  AffineReluCache cache;
};
AffineReluForward affine_relu_forward(const Mat& x, const Mat& w, const Vec& b);
AffineGrads affine_relu_backward(const Mat& dout, const AffineReluCache& cache);

}  // namespace pg::backprop
