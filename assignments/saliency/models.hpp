// Assignment 5, the trained nets seen from their input: class scores, and the gradient of the
// scores with respect to the input image or to the CNN's feature maps. Given code, not graded:
// models.cpp is written for you, and a course releases it with this assignment, after the
// backprop and conv deadlines (it holds a forward pass and a backward pass to the input of both
// nets, which would answer parts of those assignments). This header is the contract shared by
// your code, the reference and the grader. Do not edit.
//
// Shapes:  N = batch size,  D = input dimension (C*H*W pixels),  K = classes.
//          An image is one row of X: its pixels flattened row-major, channel by channel and each
//          channel row by row (backprop/model.hpp), so pixel (i, j) of channel c is column
//          (c*H + i)*W + j.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "backprop/model.hpp"
#include "common/tensor.hpp"
#include "common/types.hpp"
#include "conv/cnn.hpp"

namespace pg::saliency {

// One forward pass of a batch, kept for its backward pass (as the layers' caches are in the
// backprop assignment): the scores, and the gradient of any weighted sum of them with respect to
// the batch's images, without running the forward pass again. It reads the net it came from:
// use it while that net lives.
class ForwardPass {
 public:
  virtual ~ForwardPass() = default;

  // The class scores (before any softmax): (N, K).
  const Mat& scores() const { return scores_; }

  // The gradient of sum over n, k of scores()(n, k) * dscores(n, k) with respect to the batch X:
  // row n is the gradient of image n's weighted scores. With dscores one-hot at (n, t_n), row n
  // is d s_{t_n} / d x_n, the gradient of image n's score of class t_n with respect to its
  // pixels. Inputs: dscores (N, K). Returns: (N, D).
  virtual Mat input_gradient(const Mat& dscores) const = 0;

 protected:
  explicit ForwardPass(Mat scores) : scores_(std::move(scores)) {}
  ForwardPass(const ForwardPass&) = delete;
  ForwardPass& operator=(const ForwardPass&) = delete;

 private:
  Mat scores_;
};

// A trained classifier asked what its scores are and how they change with its input.
class Classifier {
 public:
  virtual ~Classifier() = default;

  virtual long input_size() const = 0;   // D
  virtual long num_classes() const = 0;  // K

  // The class scores (before any softmax), keeping nothing for a backward pass.
  // Inputs: X (N, D). Returns: (N, K).
  virtual Mat scores(const Mat& X) const = 0;

  // A forward pass of X kept for its backward pass: forward(X)->scores() is scores(X), and
  // forward(X)->input_gradient(dscores) the gradient below. Inputs: X (N, D).
  virtual std::unique_ptr<ForwardPass> forward(const Mat& X) const = 0;

  // forward(X)->input_gradient(dscores): the gradient of sum over n, k of scores(X)(n, k) *
  // dscores(n, k) with respect to X (ForwardPass::input_gradient), when the scores are not
  // needed too. Inputs: X (N, D), dscores (N, K). Returns: (N, D).
  Mat input_gradient(const Mat& X, const Mat& dscores) const {
    return forward(X)->input_gradient(dscores);
  }

 protected:
  Classifier() = default;
  Classifier(const Classifier&) = default;
  Classifier& operator=(const Classifier&) = default;
};

// Assignment 3's fully-connected net, {affine - ReLU} x L - affine, with the parameters of a
// FullyConnectedNet (backprop/fc_net.hpp): "W1" (D, H_1), "b1" (1, H_1), ..., "W<L+1>" (H_L, K),
// "b<L+1>" (1, K).
class Mlp : public Classifier {
 public:
  // Requires: W1, b1, W2, b2, ... with shapes that chain; otherwise std::invalid_argument.
  explicit Mlp(backprop::Params params);

  long input_size() const override;
  long num_classes() const override;
  Mat scores(const Mat& X) const override;
  std::unique_ptr<ForwardPass> forward(const Mat& X) const override;

  const backprop::Params& params() const { return params_; }
  int layers() const { return layers_; }  // L + 1

 private:
  backprop::Params params_;
  int layers_;
};

// Where Grad-CAM takes the CNN's feature maps A (N, F2, h, w):
//   conv2  the second conv layer's ReLU output, h x w = H x W (3 x 3 convs with pad 1 keep the
//          size), the layer the Grad-CAM paper would pick: the last conv layer;
//   pool   the 2 x 2 max pool after it, h x w = H/2 x W/2, so that its maps need resizing.
enum class CamLayer { conv2, pool };

// Assignment 4's CNN (conv/cnn.hpp): conv1 - ReLU - conv2 - ReLU - max pool 2 x 2 - affine3 -
// ReLU - affine4, with a ConvNet's config and parameters "W1", "b1", ..., "W4", "b4" in the
// shapes cnn.hpp gives.
class Cnn : public Classifier {
 public:
  // Requires: every parameter in its shape for `config`; otherwise std::invalid_argument.
  Cnn(const conv::ConvNetConfig& config, backprop::Params params);

  long input_size() const override;
  long num_classes() const override;
  Mat scores(const Mat& X) const override;
  std::unique_ptr<ForwardPass> forward(const Mat& X) const override;

  // The feature maps at `layer`. Inputs: X (N, D). Returns: A (N, F2, h, w).
  Tensor4 features(const Mat& X, CamLayer layer) const;

  // The scores the rest of the net gives feature maps A of `layer`. Returns: (N, K), equal to
  // scores(X) for A = features(X, layer).
  Mat scores_from(const Tensor4& A, CamLayer layer) const;

  // The gradient of sum over n, k of scores_from(A)(n, k) * dscores(n, k) with respect to A.
  // Inputs: A (N, F2, h, w) of `layer`, dscores (N, K). Returns: (N, F2, h, w).
  Tensor4 features_gradient(const Tensor4& A, CamLayer layer, const Mat& dscores) const;

  const conv::ConvNetConfig& config() const { return config_; }
  const backprop::Params& params() const { return params_; }

 private:
  Tensor4 maps(const Mat& X, CamLayer layer, Tensor4* a1) const;

  conv::ConvNetConfig config_;
  backprop::Params params_;
};

}  // namespace pg::saliency
