// Assignment 2, linear classifiers: the multiclass SVM and softmax losses with their gradients,
// a classifier trained by minibatch SGD, and a hyper-parameter search. You implement linear.cpp.
// This header is the contract shared by your code, the reference and the grader. Do not edit.
//
// Shapes:  N = number of examples,  D = values per example (with the bias trick: pixels + 1),
//          C = number of classes.  Scores are X * W: (N, D) * (D, C) = (N, C).
#pragma once

#include <cstdint>
#include <vector>

#include "common/types.hpp"

namespace pg::linear {

// A loss and its gradient with respect to W.
struct LossGrad {
  double loss;  // scalar: data loss averaged over the N examples, plus reg * sum(W^2)
  Mat dW;       // (D, C) dloss/dW
};

// Multiclass SVM (hinge) loss with loops over examples and classes:
//   L = (1/N) sum_i sum_{j != y_i} max(0, s_ij - s_{i,y_i} + 1)  +  reg * sum(W^2),   s = X W.
// Inputs:  W (D, C), X (N, D), y (N) labels in 0..C-1, reg >= 0.
// Returns: LossGrad; dW includes 2 * reg * W.
// Requires: X.cols() == W.rows(), y.size() == X.rows(), N >= 1, labels in range; else
//           std::invalid_argument.
LossGrad svm_loss_naive(const Mat& W, const Mat& X, const IVec& y, double reg);

// The same loss and gradient with no loop over examples or classes (matrix expressions only).
LossGrad svm_loss_vectorized(const Mat& W, const Mat& X, const IVec& y, double reg);

// Softmax (cross-entropy) loss with loops:
//   L = -(1/N) sum_i log( exp(s_{i,y_i}) / sum_j exp(s_ij) )  +  reg * sum(W^2).
// Shift each row of scores by its maximum before exponentiating, so that large scores do not
// overflow (the loss is unchanged by the shift).
// Inputs/Returns/Requires as svm_loss_naive.
LossGrad softmax_loss_naive(const Mat& W, const Mat& X, const IVec& y, double reg);

// The same loss and gradient with no loop over examples or classes.
LossGrad softmax_loss_vectorized(const Mat& W, const Mat& X, const IVec& y, double reg);

enum class LossKind { svm, softmax };

// A linear classifier s = X W trained by minibatch stochastic gradient descent.
class LinearClassifier {
 public:
  explicit LinearClassifier(LossKind kind) : kind_(kind) {}

  // Trains W with a generator rng = std::mt19937_64(seed). When W is empty (the first call) it
  // starts as 0.001 * std::normal_distribution<double>(0, 1) draws from rng, filled in row-major
  // order, of shape (D, C) with C = y.maxCoeff() + 1 (this part is written for you). Then each
  // iteration draws batch_size row indices with std::uniform_int_distribution<long>(0, N - 1)
  // from rng (with replacement), computes the vectorized loss and gradient of that batch and
  // steps W -= learning_rate * dW. Same inputs and seed give the same W, bit for bit.
  // Inputs:  X (N, D), y (N), learning_rate > 0, reg >= 0, num_iters >= 1, batch_size >= 1.
  // Returns: the loss of every iteration, (num_iters).
  std::vector<double> train(const Mat& X, const IVec& y, double learning_rate, double reg,
                            int num_iters, int batch_size, std::uint64_t seed);

  // The class with the highest score for each row (ties -> the smaller class index).
  // Inputs: X (M, D).  Returns: (M).  Requires: trained (W not empty), X.cols() == D.
  IVec predict(const Mat& X) const;

  const Mat& W() const { return W_; }  // (D, C)
  void set_W(Mat W) { W_ = std::move(W); }
  LossKind kind() const { return kind_; }

 private:
  LossKind kind_;
  Mat W_;
};

// One row of a hyper-parameter search.
struct SearchRow {
  double learning_rate;
  double reg;
  double train_accuracy;  // on the training set, after training
  double val_accuracy;    // on the validation set
};

struct SearchResult {
  std::vector<SearchRow> rows;  // every (learning rate, reg) pair, learning rates outermost
  std::size_t best;             // index of the highest val_accuracy (ties -> the first)
  Mat best_W;                   // (D, C) the weights of that classifier
};

// Trains one classifier per (learning rate, reg) pair on (X_train, y_train), all with the same
// seed, num_iters and batch_size, and measures accuracy on (X_val, y_val).
SearchResult search_hyperparameters(LossKind kind, const Mat& X_train, const IVec& y_train,
                                    const Mat& X_val, const IVec& y_val,
                                    const std::vector<double>& learning_rates,
                                    const std::vector<double>& regs, int num_iters,
                                    int batch_size, std::uint64_t seed);

}  // namespace pg::linear
