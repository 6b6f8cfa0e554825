// Assignment 3, a fully-connected net of any depth: {affine - ReLU} x L, then affine, then the
// softmax loss, with L2 regularization of the weights. You implement fc_net.cpp with the layers
// of layers.hpp. This header is the contract shared by your code, the reference and the grader.
//
// Shapes:  N = batch size,  D = input dimension,  H_i = hidden dimension i,  C = classes.
#pragma once

#include <cstdint>
#include <vector>

#include "backprop/model.hpp"
#include "common/types.hpp"

namespace pg::backprop {

// A Model (model.hpp) whose params are "W1", "b1", "W2", "b2", ... Weights are (in, out); biases
// are one-row matrices (1, out).
class FullyConnectedNet : public Model {
 public:
  // Layer sizes D -> H_1 -> ... -> H_L -> C. With rng = std::mt19937_64(seed) and one
  // normal = std::normal_distribution<double>(0, 1) for all the weights, every W_i (in the order
  // W1, W2, ...) is filled in row-major order with weight_scale * normal(rng); every b_i is zero.
  // (Written for you.)
  // Requires: input_dim, num_classes and every hidden dim >= 1; reg >= 0; weight_scale > 0.
  FullyConnectedNet(std::vector<int> hidden_dims, int input_dim, int num_classes, double reg,
                    double weight_scale, std::uint64_t seed);

  // The class scores of the last affine layer. Inputs: X (N, D). Returns: (N, C).
  Mat scores(const Mat& X) const override;

  // The loss and the gradient of every parameter. Inputs: X (N, D), y (N) in 0..C-1.
  NetLossGrads loss(const Mat& X, const IVec& y) const override;

  int num_layers() const { return static_cast<int>(hidden_dims_.size()) + 1; }
  double reg() const { return reg_; }

 private:
  std::vector<int> hidden_dims_;
  double reg_;
};

}  // namespace pg::backprop
