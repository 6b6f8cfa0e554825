// Assignment 3, update rules: one step of each rule on one parameter, with the rule's state.
// This header is the contract shared by your optim.cpp, the reference and the grader. Do not edit.
//
// Every rule returns the updated parameter and updates its state in place; the state starts empty
// (zero-size matrices, t = 0) and is sized to the parameter on the first step.
#pragma once

#include "common/types.hpp"

namespace pg::backprop {

// Plain SGD: w <- w - learning_rate * dw.
struct SgdConfig {
  double learning_rate = 1e-2;
};
Mat sgd(const Mat& w, const Mat& dw, const SgdConfig& config);

// SGD with momentum (CS231n's form): v <- momentum * v - learning_rate * dw;  w <- w + v.
struct MomentumState {
  double learning_rate = 1e-2;
  double momentum = 0.9;
  Mat velocity;  // v, zeros on the first step
};
Mat sgd_momentum(const Mat& w, const Mat& dw, MomentumState& state);

// RMSprop: cache <- decay * cache + (1 - decay) * dw^2;  w <- w - lr * dw / (sqrt(cache) + eps).
struct RmspropState {
  double learning_rate = 1e-2;
  double decay = 0.99;
  double epsilon = 1e-8;
  Mat cache;  // zeros on the first step
};
Mat rmsprop(const Mat& w, const Mat& dw, RmspropState& state);

// Adam with PyTorch's semantics:
//   t <- t + 1;  m <- beta1 m + (1 - beta1) dw;  v <- beta2 v + (1 - beta2) dw^2;
//   w <- w - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps).
struct AdamState {
  double learning_rate = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
  Mat m, v;   // zeros on the first step
  int t = 0;  // steps taken
};
Mat adam(const Mat& w, const Mat& dw, AdamState& state);

}  // namespace pg::backprop
