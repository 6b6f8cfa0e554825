// The kNN reference against direct formulas, hand-worked examples and its own contract: tie rules,
// fold sizes, argument errors (asserted to the word).
#include "knn/knn.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "support/random.hpp"

namespace pg::knn {
namespace {

using pg::testing::gaussian;

// the definition, one coordinate at a time
Mat direct_distances(const Mat& X_train, const Mat& X_test, bool l1) {
  Mat d(X_test.rows(), X_train.rows());
  for (Eigen::Index i = 0; i < X_test.rows(); ++i) {
    for (Eigen::Index j = 0; j < X_train.rows(); ++j) {
      double s = 0;
      for (Eigen::Index k = 0; k < X_test.cols(); ++k) {
        double diff = X_test(i, k) - X_train(j, k);
        s += l1 ? std::abs(diff) : diff * diff;
      }
      d(i, j) = l1 ? s : std::sqrt(s);
    }
  }
  return d;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no std::invalid_argument)";
}

// the worked example of the handout: three training points, two test points
struct Example {
  Mat X_train{{0, 0}, {2, 0}, {2, 1}};
  IVec y_train{{1, 0, 2}};
  Mat X_test{{1, 0}, {0, 3}};
};

TEST(knn_distances, match_the_hand_worked_example) {
  Example e;
  Mat l2{{1, 1, std::sqrt(2.0)}, {3, std::sqrt(13.0), std::sqrt(8.0)}};
  Mat l1{{1, 1, 2}, {3, 5, 4}};
  EXPECT_TRUE(compute_distances_two_loops(e.X_train, e.X_test).isApprox(l2, 1e-15));
  EXPECT_TRUE(compute_distances_one_loop(e.X_train, e.X_test).isApprox(l2, 1e-15));
  EXPECT_TRUE(compute_distances_no_loops(e.X_train, e.X_test).isApprox(l2, 1e-15));
  EXPECT_EQ(compute_distances_l1(e.X_train, e.X_test), l1);
}

TEST(knn_distances, all_three_l2_versions_agree_with_the_definition) {
  Mat X_train = gaussian(37, 11, 1), X_test = gaussian(9, 11, 2);
  Mat want = direct_distances(X_train, X_test, false);
  EXPECT_LT((compute_distances_two_loops(X_train, X_test) - want).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_LT((compute_distances_one_loop(X_train, X_test) - want).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_LT((compute_distances_no_loops(X_train, X_test) - want).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(knn_distances, l1_agrees_with_the_definition) {
  Mat X_train = gaussian(23, 7, 3), X_test = gaussian(5, 7, 4);
  EXPECT_LT((compute_distances_l1(X_train, X_test) - direct_distances(X_train, X_test, true))
                .cwiseAbs()
                .maxCoeff(),
            1e-12);
}

TEST(knn_distances, no_loops_is_exact_and_never_nan_for_identical_rows) {
  // ||a||^2 + ||a||^2 - 2 a.a can round below zero; the clamp keeps the root real
  Mat X = gaussian(50, 33, 5);
  Mat d = compute_distances_no_loops(X, X);
  EXPECT_FALSE(d.hasNaN());
  EXPECT_LT(d.diagonal().maxCoeff(), 1e-6);
}

TEST(knn_distances, reject_a_dimension_mismatch_naming_both_shapes) {
  EXPECT_EQ(error_of([] { compute_distances_no_loops(Mat::Zero(4, 3), Mat::Zero(2, 5)); }),
            "compute_distances_no_loops: X_train has shape (4, 3) and X_test has shape (2, 5); "
            "both need the same number of columns D");
}

TEST(knn_predict, follows_the_worked_example_including_both_tie_rules) {
  Example e;
  Mat l2 = compute_distances_no_loops(e.X_train, e.X_test);
  // k = 1: test 0 ties at distance 1 between train 0 and 1 -> the lower index, label 1
  EXPECT_EQ(predict_labels(l2, e.y_train, 1), (IVec{{1, 2}}));
  // k = 3 = N: every label once -> the smallest label
  EXPECT_EQ(predict_labels(l2, e.y_train, 3), (IVec{{0, 0}}));
  Mat l1 = compute_distances_l1(e.X_train, e.X_test);
  EXPECT_EQ(predict_labels(l1, e.y_train, 1), (IVec{{1, 1}}));
}

TEST(knn_predict, takes_equal_distances_in_training_order) {
  Mat dists{{5, 1, 1, 1, 0}};
  IVec y{{4, 3, 2, 1, 3}};
  // by (distance, index): j=4 (label 3), then j=1 (3), j=2 (2), j=3 (1); taking j=3 before j=1
  // would make k = 2 a 3-1 tie, won by label 1
  EXPECT_EQ(predict_labels(dists, y, 2), (IVec{{3}}));
  // all at one distance, k = 1: the lowest index (label 2), not the smallest label (0)
  EXPECT_EQ(predict_labels(Mat{{1, 1, 1}}, IVec{{2, 0, 1}}, 1), (IVec{{2}}));
}

TEST(knn_predict, majority_beats_a_nearer_minority) {
  Mat dists{{0.1, 0.2, 0.3, 0.4}};
  IVec y{{7, 2, 2, 5}};
  EXPECT_EQ(predict_labels(dists, y, 3), (IVec{{2}}));
}

TEST(knn_predict, rejects_k_out_of_range_and_mismatched_labels) {
  Mat d = Mat::Zero(2, 3);
  IVec y{{0, 1, 2}};
  EXPECT_EQ(error_of([&] { predict_labels(d, y, 0); }),
            "predict_labels: k = 0 must be between 1 and N = 3");
  EXPECT_EQ(error_of([&] { predict_labels(d, y, 4); }),
            "predict_labels: k = 4 must be between 1 and N = 3");
  EXPECT_EQ(error_of([&] { predict_labels(d, IVec{{0, 1}}, 1); }),
            "predict_labels: dists has shape (2, 3) but y_train has 2 labels; they must match N = "
            "dists.cols()");
}

TEST(knn_cross_validate, uses_array_split_folds_and_reports_per_fold_accuracy) {
  // 7 rows in 3 folds: sizes 3, 2, 2 (numpy.array_split); points on a line, label = side
  Mat X{{0}, {1}, {2}, {10}, {11}, {12}, {13}};
  IVec y{{0, 0, 0, 1, 1, 1, 1}};
  CrossValidation cv = cross_validate(X, y, {1}, 3, Metric::l2);
  ASSERT_EQ(cv.accuracies.rows(), 1);
  ASSERT_EQ(cv.accuracies.cols(), 3);
  // fold 0 = rows 0-2 (all label 0): their nearest remaining points are rows 3.. (label 1): 0/3
  EXPECT_DOUBLE_EQ(cv.accuracies(0, 0), 0.0);
  // fold 1 = rows 3-4, fold 2 = rows 5-6: each has a same-label neighbour left
  EXPECT_DOUBLE_EQ(cv.accuracies(0, 1), 1.0);
  EXPECT_DOUBLE_EQ(cv.accuracies(0, 2), 1.0);
  EXPECT_EQ(cv.best_k, 1);
}

TEST(knn_cross_validate, breaks_a_tie_in_mean_accuracy_toward_the_smallest_k) {
  Mat X = gaussian(20, 3, 6);
  IVec y = IVec::Zero(20);  // one class: every k is perfect
  CrossValidation cv = cross_validate(X, y, {5, 3, 1}, 4, Metric::l1);
  EXPECT_EQ(cv.best_k, 1);
  EXPECT_EQ(cv.ks, (std::vector<int>{5, 3, 1}));
  EXPECT_TRUE((cv.accuracies.array() == 1.0).all());
}

TEST(knn_cross_validate, breaks_a_tie_in_rows_right_even_where_the_mean_accuracies_differ) {
  // seed 327: k = 1 and k = 3 both get 29 of 48 rows right (folds of 12), yet their mean
  // accuracies differ in the last bit, in every order of the sum, and k = 3's is the larger:
  // a best k taken from the means of doubles would be 3
  Mat X = gaussian(48, 2, 327);
  IVec y = pg::testing::labels(48, 2, 328);
  CrossValidation cv = cross_validate(X, y, {1, 3, 5, 7, 9}, 4, Metric::l2);
  const auto right = [&](Eigen::Index a) { return (cv.accuracies.row(a) * 12.0).array().round().sum(); };
  ASSERT_EQ(right(0), 29);
  ASSERT_EQ(right(1), 29);
  for (Eigen::Index a = 2; a < 5; ++a) ASSERT_LT(right(a), 29);
  const double left_to_right[2] = {
      ((cv.accuracies(0, 0) + cv.accuracies(0, 1)) + cv.accuracies(0, 2)) + cv.accuracies(0, 3),
      ((cv.accuracies(1, 0) + cv.accuracies(1, 1)) + cv.accuracies(1, 2)) + cv.accuracies(1, 3)};
  ASSERT_LT(left_to_right[0] / 4, left_to_right[1] / 4);
  ASSERT_LT(cv.accuracies.row(0).mean(), cv.accuracies.row(1).mean());
  EXPECT_EQ(cv.best_k, 1);
}

TEST(knn_cross_validate, rejects_bad_folds_and_k) {
  Mat X = Mat::Zero(6, 2);
  IVec y = IVec::Zero(6);
  EXPECT_EQ(error_of([&] { cross_validate(X, y, {1}, 1, Metric::l2); }),
            "cross_validate: num_folds = 1 must be between 2 and N = 6");
  EXPECT_EQ(error_of([&] { cross_validate(X, y, {5}, 3, Metric::l2); }),
            "cross_validate: k = 5 must be between 1 and 4 (the smallest training split)");
  EXPECT_EQ(error_of([&] { cross_validate(X, y, {}, 3, Metric::l2); }),
            "cross_validate: ks is empty; give at least one k");
}

}  // namespace
}  // namespace pg::knn
