// Assignment 3 onwards, what the solver trains: a model with named parameters, class scores and a
// loss with the gradient of every parameter. FullyConnectedNet (fc_net.hpp) is one, the CNN of
// assignment 4 (conv/cnn.hpp) another. This header is the contract; do not edit.
//
// Shapes:  N = batch size,  D = input dimension,  C = number of classes.
//          X holds one example per row. An image is one row: its pixels flattened row-major,
//          channel by channel and each channel row by row, so that pixel (i, j) of channel c of a
//          channels x height x width image is column (c * height + i) * width + j
//          (common/tensor.hpp's flatten and unflatten go between the two).
#pragma once

#include <map>
#include <string>

#include "common/types.hpp"

namespace pg::backprop {

// Parameters by name: "W1", "b1", "W2", "b2", ... Each model's header gives their shapes.
using Params = std::map<std::string, Mat>;

struct NetLossGrads {
  double loss;   // data loss (softmax, averaged over N) + reg * sum over every W_i of sum(W_i^2)
  Params grads;  // the same names and shapes as params; biases are not regularized
};

// A classifier the solver can train: it reads `params` in scores and loss, and the solver updates
// each parameter in place with the gradient of the same name.
class Model {
 public:
  virtual ~Model() = default;

  // The class scores. Inputs: X (N, D). Returns: (N, C), row n the scores of example n.
  virtual Mat scores(const Mat& X) const = 0;

  // The loss of a batch and the gradient of every parameter.
  // Inputs: X (N, D), y (N) in 0..C-1.
  // Returns: loss, and grads with exactly the names and shapes of params.
  virtual NetLossGrads loss(const Mat& X, const IVec& y) const = 0;

  Params params;

 protected:
  // a model is copied and moved as the model it is (FullyConnectedNet probe = net;), never as a
  // bare Model
  Model() = default;
  Model(const Model&) = default;
  Model(Model&&) = default;
  Model& operator=(const Model&) = default;
  Model& operator=(Model&&) = default;
};

}  // namespace pg::backprop
