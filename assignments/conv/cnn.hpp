// Assignment 4, the lecture's CNN: conv - ReLU - conv - ReLU - max pool - affine - ReLU - affine -
// softmax, built from the layers of conv.hpp and backprop/layers.hpp, and a backprop::Model, so
// that assignment 3's solver trains it; and the lecture's test of a model on shifted images. You
// implement cnn.cpp. This header is the contract shared by your code, the reference and the
// grader. Do not edit.
//
// Shapes:  N = batch size,  C = input channels,  H, W = image height and width (both even),
//          F1, F2 = filters of the two conv layers,  M = hidden units,  K = classes.
//          A row of X is one image flattened row-major, C x H x W (backprop/model.hpp says how).
#pragma once

#include <cstdint>

#include "backprop/model.hpp"
#include "common/types.hpp"

namespace pg::conv {

// The sizes of the net. The defaults are the lecture's CNN for Fashion-MNIST's 28 x 28 gray
// images: conv(1 -> 32) - conv(32 -> 64) - pool - affine(64*14*14 -> 128) - affine(128 -> 10).
struct ConvNetConfig {
  int channels = 1, height = 28, width = 28;  // C, H, W of an input image
  int filters1 = 32, filters2 = 64;           // F1, F2
  int hidden = 128;                           // M
  int num_classes = 10;                       // K
  double reg = 0.0;        // L2 strength on W1..W4 (the biases are not regularized)
  std::uint64_t seed = 0;  // the initialization's random numbers
  bool fast = false;       // the fast conv and pool layers (extra credit) instead of the naive ones
};

// The layers, in order; both convs are 3 x 3 with stride 1 and pad 1, so they keep H x W:
//   x = X unflattened                            (N, C, H, W)
//   conv1 - ReLU                                 (N, F1, H, W)
//   conv2 - ReLU                                 (N, F2, H, W)
//   max pool 2 x 2, stride 2, then flattened     (N, F2*(H/2)*(W/2))
//   affine3 - ReLU                               (N, M)
//   affine4                                      (N, K)  the scores
//   softmax loss + reg * (sum(W1^2) + sum(W2^2) + sum(W3^2) + sum(W4^2))
//
// Its params (backprop/model.hpp):
//   "W1" (F1, C*3*3)    conv1's filters, one per row: row f is filter f's C x 3 x 3 weights
//                       row-major, so that W1(f, (c*3 + k)*3 + l) = w(f, c, k, l) (conv.hpp)
//   "b1" (1, F1)
//   "W2" (F2, F1*3*3)   conv2's filters, the same way
//   "b2" (1, F2)
//   "W3" (F2*(H/2)*(W/2), M)
//   "b3" (1, M)
//   "W4" (M, K)
//   "b4" (1, K)
// A row bank and the tensor the conv layers take are the same numbers in the same order
// (common/tensor.hpp): unflatten(W1, C, 3, 3) is the (F1, C, 3, 3) tensor, and flatten(dw) turns
// the layer's (F1, C, 3, 3) gradient back into a (F1, C*3*3) bank.
class ConvNet : public backprop::Model {
 public:
  // PyTorch's default initialization of Conv2d and Linear (written for you). With
  // rng = std::mt19937_64(config.seed) and one u = std::uniform_real_distribution<double>(-1, 1)
  // for everything: for each layer i = 1, 2, 3, 4 in that order, W_i is filled in row-major order
  // with bound_i * u(rng), then b_i with bound_i * u(rng), where bound_i = 1 / sqrt(fan_in_i) and
  // the fan_in of the four layers is C*9, F1*9, F2*(H/2)*(W/2) and M.
  // Requires: every size >= 1, H and W even, reg >= 0; otherwise std::invalid_argument.
  explicit ConvNet(const ConvNetConfig& config);

  // The class scores. Inputs: X (N, C*H*W). Returns: (N, K).
  // Requires: X has C*H*W columns; otherwise std::invalid_argument naming the shapes.
  Mat scores(const Mat& X) const override;

  // The loss and the gradient of every parameter, the same convention as FullyConnectedNet.
  // Inputs: X (N, C*H*W), y (N) in 0..K-1.
  // Returns: loss = softmax_loss(scores, y).loss + reg * (sum(W1^2) + ... + sum(W4^2));
  //          grads "W_i" = dloss/dW_i including 2 * reg * W_i, "b_i" = dloss/db_i, each with the
  //          shape of its parameter.
  // Requires: X has C*H*W columns; otherwise std::invalid_argument naming the shapes.
  backprop::NetLossGrads loss(const Mat& X, const IVec& y) const override;

  const ConvNetConfig& config() const { return config_; }

 private:
  ConvNetConfig config_;
};

// The lecture's shift test: the accuracy of `model` (the CNN, the MLP, any Model) on images moved
// s pixels horizontally by shift_image (conv.hpp), i.e. the fraction of rows whose highest score
// (the first highest on a tie) is the label once the image is shifted.
// Inputs: X (N, height*width), one one-channel image per row, row-major; y (N) the labels; s the
//         shift (s > 0 to the right, s < 0 to the left); height, width the images' size.
// Returns: the accuracy, in [0, 1].
// Requires: N >= 1, y has N labels, height, width >= 1 and X has height*width columns;
//           otherwise std::invalid_argument naming the shapes.
// Score the shifted images a batch of rows at a time (the reference takes 250): the lecture's CNN
// holds about a megabyte per image in its forward pass, ten gigabytes for a test set at once.
double evaluate_on_shift(const backprop::Model& model, const Mat& X, const IVec& y, int s,
                         int height = 28, int width = 28);

}  // namespace pg::conv
