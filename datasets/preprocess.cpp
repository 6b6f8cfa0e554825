// The preprocessing steps, each a few Eigen expressions behind an argument check.
// Not tuned: these run once per experiment, not per iteration.
#include "datasets/preprocess.hpp"

#include <cmath>
#include <random>
#include <string>

#include "common/errors.hpp"

namespace pg::data {

namespace {

void check_labels(const char* function, const Mat& X, const IVec& y) {
  pg::require(y.size() == X.rows(), function,
              "y has " + std::to_string(y.size()) + " labels but X has " +
                  std::to_string(X.rows()) + " rows (X is " + pg::shape_of(X) + ")");
}

void check_count(const char* function, const char* name, long n, const Mat& X) {
  pg::require(n >= 0 && n <= X.rows(), function,
              std::string(name) + " = " + std::to_string(n) + " must be between 0 and " +
                  std::to_string(X.rows()) + ", the rows of X (X is " + pg::shape_of(X) + ")");
}

// a uniform draw from 0..bound-1: reject the top sliver of 64-bit values so that every residue
// is equally likely
std::uint64_t uniform_below(std::mt19937_64& rng, std::uint64_t bound) {
  std::uint64_t limit = rng.max() - rng.max() % bound;
  std::uint64_t r;
  do {
    r = rng();
  } while (r >= limit);
  return r % bound;
}

}  // namespace

Mat scale(const Mat& X, double factor) {
  Mat out = X;
  scale_in_place(out, factor);
  return out;
}

void scale_in_place(Mat& X, double factor) {
  pg::require(
      std::isfinite(factor), "scale",
      "factor = " + std::to_string(factor) + " must be finite (X is " + pg::shape_of(X) + ")");
  X *= factor;
}

Mat mean_image(const Mat& X) {
  pg::require(X.rows() >= 1, "mean_image",
              "X must have at least one row (X is " + pg::shape_of(X) + ")");
  return X.colwise().mean();
}

Mat subtract_mean(const Mat& X, const Mat& mean) {
  Mat out = X;
  subtract_mean_in_place(out, mean);
  return out;
}

void subtract_mean_in_place(Mat& X, const Mat& mean) {
  pg::check_shape("subtract_mean", "mean", mean, 1, X.cols());
  X.rowwise() -= mean.row(0);
}

Mat append_bias_column(const Mat& X) {
  Mat out(X.rows(), X.cols() + 1);
  out.leftCols(X.cols()) = X;
  out.col(X.cols()).setOnes();
  return out;
}

Labeled subset(const Mat& X, const IVec& y, long n) {
  check_labels("subset", X, y);
  check_count("subset", "n", n, X);
  return {X.topRows(n), y.head(n)};
}

TrainVal train_val_split(const Mat& X, const IVec& y, long num_val) {
  check_labels("train_val_split", X, y);
  check_count("train_val_split", "num_val", num_val, X);
  long num_train = X.rows() - num_val;
  return {{X.topRows(num_train), y.head(num_train)}, {X.bottomRows(num_val), y.tail(num_val)}};
}

std::vector<long> shuffled_indices(long n, std::uint64_t seed) {
  pg::require(n >= 0, "shuffled_indices", "n = " + std::to_string(n) + " must be >= 0");
  std::vector<long> idx(static_cast<std::size_t>(n));
  for (long i = 0; i < n; ++i) idx[i] = i;
  // fisher-yates: for i from the end, swap slot i with a uniform slot j in 0..i
  std::mt19937_64 rng(seed);
  for (long i = n - 1; i > 0; --i) {
    auto j = static_cast<long>(uniform_below(rng, static_cast<std::uint64_t>(i) + 1));
    std::swap(idx[i], idx[j]);
  }
  return idx;
}

Labeled take_rows(const Mat& X, const IVec& y, const std::vector<long>& rows) {
  check_labels("take_rows", X, y);
  Labeled out{Mat(static_cast<Eigen::Index>(rows.size()), X.cols()),
              IVec(static_cast<Eigen::Index>(rows.size()))};
  for (std::size_t k = 0; k < rows.size(); ++k) {
    long r = rows[k];
    pg::require(r >= 0 && r < X.rows(), "take_rows",
                "rows[" + std::to_string(k) + "] = " + std::to_string(r) + " is outside 0.." +
                    std::to_string(X.rows() - 1) + " (X is " + pg::shape_of(X) + ")");
    out.X.row(k) = X.row(r);
    out.y(k) = y(r);
  }
  return out;
}

Labeled sample(const Mat& X, const IVec& y, long n, std::uint64_t seed) {
  check_labels("sample", X, y);
  check_count("sample", "n", n, X);
  std::vector<long> rows = shuffled_indices(X.rows(), seed);
  rows.resize(static_cast<std::size_t>(n));
  return take_rows(X, y, rows);
}

}  // namespace pg::data
