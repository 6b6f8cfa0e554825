// Tests of the preprocessing steps on matrices small enough to check by hand.
// Not of the loaders: no files are read.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/errors.hpp"
#include "datasets/preprocess.hpp"

namespace pg::data {
namespace {

// X (4, 2) with rows (0, 10), (2, 20), (4, 30), (6, 40); y = 0, 1, 2, 3
Mat four_rows() {
  Mat X(4, 2);
  X << 0, 10, 2, 20, 4, 30, 6, 40;
  return X;
}

IVec four_labels() {
  IVec y(4);
  y << 0, 1, 2, 3;
  return y;
}

// the message of the std::invalid_argument f throws
template <class F>
std::string invalid_argument_of(F f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  ADD_FAILURE() << "no std::invalid_argument thrown";
  return "";
}

TEST(scale, multiplies_every_entry_by_the_factor) {
  Mat X(1, 3);
  X << 0, 51, 255;
  Mat want(1, 3);
  want << 0, 0.2, 1;
  EXPECT_TRUE(scale(X, 1.0 / 255).isApprox(want, 1e-15));
  scale_in_place(X, 1.0 / 255);
  EXPECT_TRUE(X.isApprox(want, 1e-15));
}

TEST(scale, rejects_a_factor_that_is_not_finite) {
  Mat X = four_rows();
  EXPECT_EQ(invalid_argument_of([&] { scale(X, std::numeric_limits<double>::infinity()); }),
            "scale: factor = inf must be finite (X is (4, 2))");
}

TEST(mean_image, is_the_column_mean_as_one_row) {
  Mat mean = mean_image(four_rows());
  ASSERT_EQ(mean.rows(), 1);
  ASSERT_EQ(mean.cols(), 2);
  EXPECT_DOUBLE_EQ(mean(0, 0), 3.0);
  EXPECT_DOUBLE_EQ(mean(0, 1), 25.0);
}

TEST(mean_image, rejects_a_matrix_without_rows) {
  EXPECT_EQ(invalid_argument_of([] { mean_image(Mat(0, 3)); }),
            "mean_image: X must have at least one row (X is (0, 3))");
}

TEST(subtract_mean, subtracts_the_mean_from_every_row) {
  Mat X = four_rows();
  Mat centered = subtract_mean(X, mean_image(X));
  Mat want(4, 2);
  want << -3, -15, -1, -5, 1, 5, 3, 15;
  EXPECT_EQ(centered, want);
  subtract_mean_in_place(X, mean_image(X));
  EXPECT_EQ(X, want);
}

TEST(subtract_mean, rejects_a_mean_of_the_wrong_shape) {
  EXPECT_EQ(invalid_argument_of([] { subtract_mean(four_rows(), Mat::Zero(1, 3)); }),
            "subtract_mean: mean has shape (1, 3) but must be (1, 2)");
}

TEST(append_bias_column, adds_a_last_column_of_ones) {
  Mat Xb = append_bias_column(four_rows());
  ASSERT_EQ(Xb.rows(), 4);
  ASSERT_EQ(Xb.cols(), 3);
  EXPECT_EQ(Xb.leftCols(2), four_rows());
  EXPECT_EQ(Xb.col(2), Eigen::VectorXd::Ones(4));
  // the bias trick: [X 1] * [W; b] = X * W + b
  Mat W(2, 1), Wb(3, 1);
  W << 0.5, -1;
  Wb << 0.5, -1, 7;
  Mat with_bias = Xb * Wb;
  Mat plus_b = (four_rows() * W).array() + 7.0;
  EXPECT_EQ(with_bias, plus_b);
}

TEST(subset, keeps_the_first_n_rows_and_labels) {
  auto [X, y] = subset(four_rows(), four_labels(), 2);
  ASSERT_EQ(X.rows(), 2);
  EXPECT_EQ(X(1, 1), 20);
  ASSERT_EQ(y.size(), 2);
  EXPECT_EQ(y(1), 1);
}

TEST(subset, rejects_n_beyond_the_rows_and_labels_of_another_length) {
  EXPECT_EQ(invalid_argument_of([] { subset(four_rows(), four_labels(), 5); }),
            "subset: n = 5 must be between 0 and 4, the rows of X (X is (4, 2))");
  EXPECT_EQ(invalid_argument_of([] { subset(four_rows(), IVec::Zero(3), 1); }),
            "subset: y has 3 labels but X has 4 rows (X is (4, 2))");
}

TEST(train_val_split, takes_the_last_num_val_rows_as_validation) {
  auto [train, val] = train_val_split(four_rows(), four_labels(), 1);
  ASSERT_EQ(train.X.rows(), 3);
  ASSERT_EQ(val.X.rows(), 1);
  EXPECT_EQ(train.X, four_rows().topRows(3));
  EXPECT_EQ(train.y, four_labels().head(3));
  EXPECT_EQ(val.X(0, 0), 6);
  EXPECT_EQ(val.X(0, 1), 40);
  EXPECT_EQ(val.y(0), 3);
}

TEST(train_val_split, rejects_a_negative_num_val) {
  EXPECT_EQ(invalid_argument_of([] { train_val_split(four_rows(), four_labels(), -1); }),
            "train_val_split: num_val = -1 must be between 0 and 4, the rows of X (X is (4, 2))");
}

TEST(shuffled_indices, is_a_permutation_fixed_by_the_seed) {
  std::vector<long> a = shuffled_indices(100, 42);
  EXPECT_EQ(a, shuffled_indices(100, 42));
  EXPECT_NE(a, shuffled_indices(100, 43));
  std::vector<long> sorted = a, iota(100);
  std::sort(sorted.begin(), sorted.end());
  std::iota(iota.begin(), iota.end(), 0L);
  EXPECT_EQ(sorted, iota);
  EXPECT_TRUE(shuffled_indices(0, 1).empty());
}

// pinned from this implementation: mt19937_64 and the draw are fully specified, so any standard
// library must give the same order
TEST(shuffled_indices, gives_the_same_order_everywhere) {
  EXPECT_EQ(shuffled_indices(6, 7), (std::vector<long>{5, 1, 4, 2, 0, 3}));
}

TEST(sample, draws_distinct_rows_with_their_own_labels) {
  Mat X = four_rows();
  auto [Xs, ys] = sample(X, four_labels(), 3, 5);
  ASSERT_EQ(Xs.rows(), 3);
  ASSERT_EQ(ys.size(), 3);
  for (int k = 0; k < 3; ++k) EXPECT_EQ(Xs.row(k), X.row(ys(k)));  // row i of X has label i
  EXPECT_NE(ys(0), ys(1));
  EXPECT_NE(ys(1), ys(2));
  EXPECT_NE(ys(0), ys(2));
  EXPECT_EQ(sample(X, four_labels(), 3, 5).y, ys);
}

TEST(take_rows, rejects_an_index_outside_the_rows) {
  EXPECT_EQ(invalid_argument_of([] {
              take_rows(four_rows(), four_labels(), {0, 4});
            }),
            "take_rows: rows[1] = 4 is outside 0..3 (X is (4, 2))");
}

}  // namespace
}  // namespace pg::data
