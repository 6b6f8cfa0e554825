// Assignment 1, k-nearest neighbours: the functions you implement in knn.cpp.
// This header is the contract; it is shared by your code, the reference and the grader. Do not edit.
//
// Shapes:  N = number of training examples,  M = number of test examples,
//          D = values per example (784 for a 28x28 image),  K = number of k values tried,
//          F = number of folds.
#pragma once

#include <vector>

#include "common/types.hpp"

namespace pg::knn {

// Euclidean (L2) distances between every test row and every training row, with two nested loops
// over test rows i and training rows j:  dists(i, j) = sqrt(sum_d (X_test(i,d) - X_train(j,d))^2).
// Inputs:  X_train (N, D), X_test (M, D).
// Returns: dists (M, N).
// Requires: X_train.cols() == X_test.cols(), else std::invalid_argument.
Mat compute_distances_two_loops(const Mat& X_train, const Mat& X_test);

// The same distances with one loop over test rows; each row of dists in one vector expression.
Mat compute_distances_one_loop(const Mat& X_train, const Mat& X_test);

// The same distances with no explicit loop, from ||a - b||^2 = ||a||^2 + ||b||^2 - 2 a.b: one matrix
// product X_test * X_train^T plus the two squared-norm vectors, clamped at 0 before the sqrt
// (rounding can make a tiny square negative).
Mat compute_distances_no_loops(const Mat& X_train, const Mat& X_test);

// Manhattan (L1) distances: dists(i, j) = sum_d |X_test(i,d) - X_train(j,d)|.
// Inputs/Returns/Requires as compute_distances_two_loops.
Mat compute_distances_l1(const Mat& X_train, const Mat& X_test);

// Predicts a label for each test row by a majority vote of its k nearest training rows.
// Inputs:  dists (M, N) from one of the functions above, y_train (N) labels >= 0, k.
// Returns: y_pred (M).
// Rules:   the k nearest are the k smallest dists(i, :); equal distances are taken in order of
//          training index (lower index first). A tie in the vote goes to the smallest label.
// Requires: 1 <= k <= N, y_train.size() == N, labels >= 0; else std::invalid_argument.
IVec predict_labels(const Mat& dists, const IVec& y_train, int k);

enum class Metric { l2, l1 };

// The result of cross-validation.
struct CrossValidation {
  std::vector<int> ks;  // (K) the k values tried, in the order given
  Mat accuracies;       // (K, F) accuracies(a, f) = accuracy with ks[a] when fold f validates
  int best_k;           // the k with the most validation rows predicted right, counted over all
                        // F folds (an integer); ties -> the smallest k value
};

// F-fold cross-validation of k on (X, y). The folds are contiguous and split as
// numpy.array_split does: the first N % F folds hold N / F + 1 rows, the others N / F.
// For fold f: train on all other folds (in their order), predict fold f, record the accuracy.
// best_k compares the number of rows right over all folds, never a mean of doubles, whose last bit
// depends on the order of the sum (with equal folds both rank the k alike).
// Inputs:  X (N, D), y (N), ks (K) each >= 1, num_folds F >= 2, metric (l2 or l1).
// Returns: CrossValidation above.
// Requires: 2 <= F <= N, every k <= the size of the smallest training split; else
//           std::invalid_argument.
CrossValidation cross_validate(const Mat& X, const IVec& y, const std::vector<int>& ks,
                               int num_folds, Metric metric);

}  // namespace pg::knn
