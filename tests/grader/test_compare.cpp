// Tests of output comparison: what passes, and the exact message for each way outputs differ.
// Not the verdict a difference turns into (grade.cpp).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <optional>
#include <string>

#include "compare.hpp"

namespace pg::grader {
namespace {

using wire::Bundle;

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

// the rubric's default tolerance, spelled out in messages
const std::string kDefaultTolerance = "allowed |got - expected| <= 1e-12 + 1e-09 * |expected|";

// 0, 1, 2, ... row by row
Mat counting(long rows, long cols) {
  Mat m(rows, cols);
  for (long i = 0; i < m.size(); ++i) m.data()[i] = static_cast<double>(i);
  return m;
}

Bundle one(const std::string& name, wire::Value v) {
  Bundle b;
  b.put(name, std::move(v));
  return b;
}

IVec labels(std::initializer_list<int> values) {
  IVec v(static_cast<Eigen::Index>(values.size()));
  Eigen::Index i = 0;
  for (int x : values) v(i++) = x;
  return v;
}

TEST(compare_outputs, equal_bundles_pass) {
  Bundle b;
  b.put("dists", counting(2, 3));
  b.put("y_pred", labels({1, 2, 0}));
  b.put("k", std::int64_t{3});
  b.put("loss", 0.25);
  b.put("metric", std::string("l2"));
  EXPECT_EQ(compare_outputs(b, b, CompareSpec{}), std::nullopt);
}

TEST(compare_outputs, extra_outputs_in_the_submission_are_ignored) {
  Bundle got = one("dists", counting(2, 2));
  got.put("debug", std::string("anything"));
  EXPECT_EQ(compare_outputs(one("dists", counting(2, 2)), got, CompareSpec{}), std::nullopt);
}

TEST(compare_outputs, a_matrix_off_in_one_element_names_it) {
  Mat got = counting(2, 3);
  got(1, 2) = 5.5;
  EXPECT_EQ(compare_outputs(one("dists", counting(2, 3)), one("dists", got), CompareSpec{}),
            "dists (2, 3): 1 of 6 values are wrong; the worst is at (1, 2): expected 5, got 5.5 "
            "(error 0.5; " +
                kDefaultTolerance + ")");
}

TEST(compare_outputs, reports_how_many_are_wrong_and_the_worst) {
  Mat got = counting(3, 4);
  got(0, 1) += 0.01;
  got(2, 0) -= 3;
  got(2, 3) += 0.5;
  CompareSpec tol{0, 0.001};
  EXPECT_EQ(compare_outputs(one("X", counting(3, 4)), one("X", got), tol),
            "X (3, 4): 3 of 12 values are wrong; the worst is at (2, 0): expected 8, got 5 "
            "(error 3; allowed |got - expected| <= 0.001 + 0 * |expected|)");
}

TEST(compare_outputs, differences_within_the_tolerance_pass) {
  Mat want = Mat::Constant(2, 2, 1e6);
  Mat got = want;
  got(0, 0) += 1e-4;  // allowed: 1e-12 + 1e-9 * 1e6 = 1e-3
  got(1, 1) -= 9e-4;
  EXPECT_EQ(compare_outputs(one("dists", want), one("dists", got), CompareSpec{}), std::nullopt);
  // the absolute part alone, around zero
  Mat zeros = Mat::Zero(1, 3);
  Mat near = zeros;
  near(0, 1) = 5e-13;
  EXPECT_EQ(compare_outputs(one("dists", zeros), one("dists", near), CompareSpec{}), std::nullopt);
}

TEST(compare_outputs, a_difference_just_over_the_tolerance_fails) {
  Mat want = Mat::Constant(1, 1, 100.0);
  Mat got = Mat::Constant(1, 1, 100.0 + 2e-7);  // allowed 1e-12 + 1e-9 * 100 ~ 1e-7
  EXPECT_NE(compare_outputs(one("dists", want), one("dists", got), CompareSpec{}), std::nullopt);
}

TEST(compare_outputs, reports_a_shape_mismatch) {
  EXPECT_EQ(
      compare_outputs(one("dists", counting(2, 3)), one("dists", counting(3, 2)), CompareSpec{}),
      "dists has shape (3, 2), expected (2, 3)");
}

TEST(compare_outputs, empty_matrices_of_the_same_shape_pass) {
  EXPECT_EQ(compare_outputs(one("dists", Mat(0, 4)), one("dists", Mat(0, 4)), CompareSpec{}),
            std::nullopt);
  EXPECT_EQ(compare_outputs(one("dists", Mat(0, 4)), one("dists", Mat(4, 0)), CompareSpec{}),
            "dists has shape (4, 0), expected (0, 4)");
}

TEST(compare_outputs, nan_where_a_number_is_expected_fails) {
  Mat got = counting(1, 3);
  got(0, 1) = kNaN;
  EXPECT_EQ(compare_outputs(one("dists", counting(1, 3)), one("dists", got), CompareSpec{}),
            "dists (1, 3): 1 of 3 values are wrong; the worst is at (0, 1): expected 1, got nan "
            "(error nan; " +
                kDefaultTolerance + ")");
}

TEST(compare_outputs, nan_fails_even_with_a_huge_tolerance) {
  Mat got = counting(1, 3);
  got(0, 2) = kNaN;
  EXPECT_NE(compare_outputs(one("dists", counting(1, 3)), one("dists", got), CompareSpec{1e9, 1e9}),
            std::nullopt);
}

TEST(compare_outputs, a_number_where_nan_is_expected_fails) {
  Mat want = counting(1, 3);
  want(0, 0) = kNaN;
  EXPECT_NE(compare_outputs(one("dists", want), one("dists", counting(1, 3)), CompareSpec{}),
            std::nullopt);
}

TEST(compare_outputs, nan_in_both_passes) {
  Mat m = counting(2, 2);
  m(1, 0) = kNaN;
  EXPECT_EQ(compare_outputs(one("dists", m), one("dists", m), CompareSpec{}), std::nullopt);
}

TEST(compare_outputs, the_same_infinity_in_both_passes) {
  Mat m = counting(1, 2);
  m(0, 0) = kInf;
  m(0, 1) = -kInf;
  EXPECT_EQ(compare_outputs(one("dists", m), one("dists", m), CompareSpec{}), std::nullopt);
}

TEST(compare_outputs, infinity_where_a_number_is_expected_fails) {
  Mat got = counting(1, 2);
  got(0, 1) = kInf;
  EXPECT_NE(compare_outputs(one("dists", counting(1, 2)), one("dists", got), CompareSpec{}),
            std::nullopt);
}

TEST(compare_outputs, a_number_or_the_other_infinity_where_infinity_is_expected_fails) {
  Mat want = counting(1, 2);
  want(0, 1) = kInf;
  EXPECT_NE(compare_outputs(one("dists", want), one("dists", counting(1, 2)), CompareSpec{}),
            std::nullopt);
  EXPECT_NE(compare_outputs(one("dists", want), one("dists", counting(1, 2)), CompareSpec{0, 0}),
            std::nullopt);
  // the other infinity is wrong too
  Mat neg = counting(1, 2);
  neg(0, 0) = -kInf;
  Mat pos = neg;
  pos(0, 0) = kInf;
  EXPECT_NE(compare_outputs(one("dists", neg), one("dists", pos), CompareSpec{}), std::nullopt);
}

TEST(compare_outputs, labels_differing_give_the_count_and_the_first_index) {
  EXPECT_EQ(compare_outputs(one("y_pred", labels({0, 1, 2, 3, 4})),
                            one("y_pred", labels({0, 2, 2, 0, 4})), CompareSpec{}),
            "y_pred (5): 2 of 5 differ; the first at [1]: expected 1, got 2");
}

TEST(compare_outputs, labels_are_compared_exactly_whatever_the_tolerance) {
  EXPECT_NE(compare_outputs(one("y_pred", labels({3})), one("y_pred", labels({4})),
                            CompareSpec{1e9, 1e9}),
            std::nullopt);
}

TEST(compare_outputs, labels_of_another_length) {
  EXPECT_EQ(compare_outputs(one("y_pred", labels({0, 1, 2})), one("y_pred", labels({0, 1})),
                            CompareSpec{}),
            "y_pred has 2 entries, expected 3");
}

TEST(compare_outputs, integer_outputs_differing) {
  EXPECT_EQ(compare_outputs(one("best_k", std::int64_t{5}), one("best_k", std::int64_t{7}),
                            CompareSpec{}),
            "best_k: expected 5, got 7");
  EXPECT_EQ(compare_outputs(one("best_k", std::int64_t{5}), one("best_k", std::int64_t{5}),
                            CompareSpec{}),
            std::nullopt);
}

TEST(compare_outputs, real_outputs_differing) {
  EXPECT_EQ(compare_outputs(one("loss", 1.5), one("loss", 1.75), CompareSpec{}),
            "loss: expected 1.5, got 1.75 (" + kDefaultTolerance + ")");
  EXPECT_EQ(compare_outputs(one("loss", 1.5), one("loss", 1.5 + 1e-12), CompareSpec{}),
            std::nullopt);
}

TEST(compare_outputs, text_outputs_differing) {
  EXPECT_EQ(compare_outputs(one("metric", std::string("l2")), one("metric", std::string("l1")),
                            CompareSpec{}),
            "metric: expected 'l2', got 'l1'");
}

TEST(compare_outputs, reports_a_missing_output) {
  Bundle want;
  want.put("dists", counting(1, 1));
  want.put("y_pred", labels({1}));
  EXPECT_EQ(compare_outputs(want, one("dists", counting(1, 1)), CompareSpec{}),
            "the output 'y_pred' is missing");
}

TEST(compare_outputs, reports_a_type_mismatch) {
  EXPECT_EQ(
      compare_outputs(one("dists", counting(2, 3)), one("dists", labels({1, 2, 3})), CompareSpec{}),
      "dists is labels (3), expected matrix (2, 3)");
  EXPECT_EQ(compare_outputs(one("k", std::int64_t{3}), one("k", 3.0), CompareSpec{}),
            "k is real, expected integer");
}

TEST(compare_outputs, names_the_first_output_that_differs) {
  Bundle want;
  want.put("a", std::int64_t{1});
  want.put("b", std::int64_t{2});
  want.put("c", std::int64_t{3});
  Bundle got;
  got.put("c", std::int64_t{0});
  got.put("b", std::int64_t{0});
  got.put("a", std::int64_t{1});
  EXPECT_EQ(compare_outputs(want, got, CompareSpec{}), "b: expected 2, got 0");
}

TEST(compare_formatting, num_and_seconds) {
  EXPECT_EQ(num(0.1), "0.1");
  EXPECT_EQ(num(1.0 / 3.0), "0.3333333333");
  EXPECT_EQ(num(1e-12), "1e-12");
  EXPECT_EQ(seconds(0.21849), "0.218 s");
  EXPECT_EQ(seconds(12.0), "12 s");
}

}  // namespace
}  // namespace pg::grader
