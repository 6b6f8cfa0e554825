// Preprocessing for data matrices: scaling, mean subtraction, the bias trick, subsets and splits.
// Not augmentation and not normalization statistics beyond the mean image.
#pragma once

#include <cstdint>
#include <vector>

#include "common/types.hpp"

namespace pg::data {

// N = examples, D = features per example, n = examples kept

// Examples with their labels.
struct Labeled {
  Mat X;   // (n, D)
  IVec y;  // (n)
};

struct TrainVal {
  Labeled train;  // rows 0 .. N-num_val-1 of the input
  Labeled val;    // rows N-num_val .. N-1 of the input (the last num_val)
};

// X * factor, e.g. scale(X, 1.0 / 255) maps raw pixels to [0, 1].
// Inputs:  X (N, D), factor a finite number
// Returns: (N, D)
// Requires: factor finite (else std::invalid_argument).
Mat scale(const Mat& X, double factor);
// The same in place, for a large X that should not be copied.
void scale_in_place(Mat& X, double factor);

// The mean image: mean(j) = (1/N) sum_i X(i, j).
// Inputs:  X (N, D)
// Returns: (1, D)
// Requires: N >= 1 (else std::invalid_argument).
Mat mean_image(const Mat& X);

// X with mean subtracted from every row (use the training mean for train, val and test alike).
// Inputs:  X (N, D), mean (1, D)
// Returns: (N, D)
// Requires: mean has shape (1, D) (else pg::ShapeError, a std::invalid_argument).
Mat subtract_mean(const Mat& X, const Mat& mean);
// The same in place.
void subtract_mean_in_place(Mat& X, const Mat& mean);

// The bias trick: X with a column of ones appended, so that [X 1] * [W; b] = X * W + b.
// Inputs:  X (N, D)
// Returns: (N, D + 1), the last column all ones.
Mat append_bias_column(const Mat& X);

// The first n examples.
// Inputs:  X (N, D), y (N), n
// Returns: X rows 0..n-1 (n, D) and y(0..n-1) (n).
// Requires: y.size() == N, 0 <= n <= N (else std::invalid_argument).
Labeled subset(const Mat& X, const IVec& y, long n);

// Splits off the last num_val examples as validation, keeping the order.
// Inputs:  X (N, D), y (N), num_val
// Returns: train = rows 0..N-num_val-1 (N-num_val, D), val = rows N-num_val..N-1 (num_val, D).
// Requires: y.size() == N, 0 <= num_val <= N (else std::invalid_argument).
TrainVal train_val_split(const Mat& X, const IVec& y, long num_val);

// A permutation of 0..n-1 from a Fisher-Yates shuffle driven by std::mt19937_64(seed). The draws
// do not go through std::uniform_int_distribution, so the result is the same with any standard
// library, not only on one machine.
// Inputs:  n >= 0, seed
// Returns: (n) indices, each of 0..n-1 once.
// Requires: n >= 0 (else std::invalid_argument).
std::vector<long> shuffled_indices(long n, std::uint64_t seed);

// The examples at the given row indices, in that order.
// Inputs:  X (N, D), y (N), rows (n) each in 0..N-1
// Returns: X rows (n, D) and their labels (n).
// Requires: y.size() == N, every index in 0..N-1 (else std::invalid_argument).
Labeled take_rows(const Mat& X, const IVec& y, const std::vector<long>& rows);

// n examples drawn without replacement, in random order: the first n of shuffled_indices(N, seed).
// Inputs:  X (N, D), y (N), n, seed
// Returns: X (n, D), y (n).
// Requires: y.size() == N, 0 <= n <= N (else std::invalid_argument).
Labeled sample(const Mat& X, const IVec& y, long n, std::uint64_t seed);

}  // namespace pg::data
