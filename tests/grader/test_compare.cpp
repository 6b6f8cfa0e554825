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
      "dists has shape (3, 2), expected (2, 3). Your dists have the transposed shape: rows and "
      "columns swapped?");
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
                kDefaultTolerance +
                "). Got nan: a division by 0, or exp, log or sqrt outside its range (exp of a "
                "large number, log of 0, the square root of a negative number)?");
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
            "y_pred has 2 entries, expected 3. Your y_pred has one entry too few: an off-by-one "
            "in a loop bound or a size?");
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

// ---- the diagnosis: one test per shape of a wrong answer -------------------------------------

// a (3, 4) matrix with no pattern: no zeros, mixed signs, not square
Mat varied() {
  return Mat{{1.5, -2.0, 0.25, 3.0}, {-0.5, 4.0, 1.0, -1.25}, {2.0, -3.0, 0.75, 0.5}};
}

// the cause diagnose() gives for `got` against `expected`, output "dW"
std::string cause_of(const Mat& expected, const Mat& got, const Clues& clues = {}) {
  return diagnose("dW", expected, got, CompareSpec{}, clues);
}

Clues with_examples(long n) {
  Clues c;
  c.examples = n;
  return c;
}

TEST(diagnose, the_message_names_the_function_and_ends_with_the_cause) {
  Clues c;
  c.function = "svm_loss_vectorized";
  EXPECT_EQ(compare_outputs(one("dW", varied()), one("dW", Mat(0.5 * varied())), CompareSpec{}, c),
            "your svm_loss_vectorized returned dW (3, 4): 12 of 12 values are wrong; the worst is "
            "at (1, 1): expected 4, got 2 (error 2; " +
                kDefaultTolerance + "). Your dW is exactly 0.5 × the expected value everywhere");
}

TEST(diagnose, a_constant_factor) {
  EXPECT_EQ(cause_of(varied(), 0.5 * varied()),
            "your dW is exactly 0.5 × the expected value everywhere");
  EXPECT_EQ(cause_of(varied(), 3.25 * varied()),
            "your dW is exactly 3.25 × the expected value everywhere");
}

TEST(diagnose, n_times_the_expected_value_uses_the_cases_n) {
  EXPECT_EQ(cause_of(varied(), 40 * varied(), with_examples(40)),
            "your dW is N = 40 times the expected value everywhere: is a 1/N missing?");
  // without N, 40 is just a factor
  EXPECT_EQ(cause_of(varied(), 40 * varied()),
            "your dW is exactly 40 × the expected value everywhere");
}

TEST(diagnose, one_nth_of_the_expected_value) {
  EXPECT_EQ(cause_of(varied(), varied() / 6.0, with_examples(6)),
            "your dW is 1/N = 1/6 of the expected value everywhere: divided by N once too often, "
            "or a mean where a sum belongs?");
}

TEST(diagnose, a_flipped_sign) {
  EXPECT_EQ(cause_of(varied(), -varied()),
            "your dW is the expected value with its sign flipped everywhere (-1 ×): a + where a - "
            "belongs, or the other way round?");
}

TEST(diagnose, a_transpose_of_the_right_shape_or_of_a_square_matrix) {
  EXPECT_EQ(cause_of(varied(), varied().transpose()),
            "your dW is the transpose of the expected value (3, 4): rows and columns swapped");
  Mat square = varied().leftCols(3);
  EXPECT_EQ(cause_of(square, square.transpose()),
            "your dW is the transpose of the expected value: rows and columns swapped?");
  EXPECT_EQ(cause_of(varied(), Mat::Ones(4, 3)),
            "your dW has the transposed shape: rows and columns swapped?");
}

TEST(diagnose, right_only_in_some_rows_or_columns) {
  Mat rows = varied();
  rows.row(2) *= 1.7;
  rows.row(2).array() += 0.3;
  EXPECT_EQ(cause_of(varied(), rows),
            "your dW is wrong only in rows 2 (of 3), right in the others");
  Mat cols = varied();
  cols.col(1).array() += 1;
  cols.col(3).array() -= 2;
  EXPECT_EQ(cause_of(varied(), cols),
            "your dW is wrong only in columns 1 and 3 (of 4), right in the others");
  Mat want(1, 10), got(1, 10);
  for (int i = 0; i < 10; ++i) want(0, i) = got(0, i) = 1.0 / (i + 1);
  for (int i = 6; i < 10; ++i) got(0, i) += 0.1;
  EXPECT_EQ(cause_of(want, got), "your dW is right in entries 0–5 and wrong from entry 6 on");
  got(0, 9) = want(0, 9);
  got(0, 2) += 0.1;
  EXPECT_EQ(cause_of(want, got), "your dW is wrong only in entries 2 and 6–8 (of 10)");
  // most columns wrong: no pattern worth a sentence
  Mat most = varied();
  most.rightCols(3).array() += 1;
  EXPECT_EQ(cause_of(varied(), most), "");
  // scattered wrong values are no pattern
  Mat scattered = varied();
  scattered(0, 1) += 1;
  scattered(2, 0) += 1;
  scattered(1, 3) += 1;
  EXPECT_EQ(cause_of(varied(), scattered), "");
}

TEST(diagnose, nan_and_infinities_with_the_cases_usual_cause) {
  Clues c;
  c.nonfinite = "exp of a large score overflowed — shift each row by its maximum";
  Mat nan = varied();
  nan(1, 2) = kNaN;
  EXPECT_EQ(cause_of(varied(), nan, c),
            "got nan: exp of a large score overflowed — shift each row by its maximum");
  Mat inf = varied();
  inf(0, 0) = kInf;
  inf(2, 3) = -kInf;
  EXPECT_EQ(cause_of(varied(), inf, c),
            "got -inf and inf: exp of a large score overflowed — shift each row by its maximum");
  EXPECT_EQ(diagnose("loss", 724.5, kInf, CompareSpec{}, c),
            "got inf: exp of a large score overflowed — shift each row by its maximum");
}

TEST(diagnose, a_shape_off_by_one) {
  Mat longer(4, 4);
  longer << varied(), Mat::Ones(1, 4);
  EXPECT_EQ(cause_of(varied(), longer),
            "your dW has one row too many (4 instead of 3); the first 3 rows are right: an "
            "off-by-one in a loop bound or a size?");
  EXPECT_EQ(cause_of(varied(), Mat::Ones(3, 3)),
            "your dW has one column too few (3 instead of 4): an off-by-one in a loop bound or a "
            "size?");
  EXPECT_EQ(diagnose("y_pred", labels({1, 2, 3}), labels({1, 2, 3, 0}), CompareSpec{}, Clues{}),
            "your y_pred has one entry too many: an off-by-one in a loop bound or a size?");
}

TEST(diagnose, labels_wrong_only_where_the_reference_broke_a_tie) {
  Clues c;
  c.ties["y_pred"] = {"", "a tied vote goes to the smallest label", "",
                      "among equal distances the lower training index comes first\n"
                      "a tied vote goes to the smallest label",
                      ""};
  const IVec want = labels({0, 1, 2, 1, 0});
  // the vote's rule decided both wrong entries: it alone is named
  EXPECT_EQ(diagnose("y_pred", want, labels({0, 2, 2, 3, 0}), CompareSpec{}, c),
            "your y_pred is wrong only where the reference broke a tie (all 2 wrong entries): a "
            "tied vote goes to the smallest label");
  // no rule behind every wrong entry: all of them
  c.ties["y_pred"][3] = "among equal distances the lower training index comes first";
  EXPECT_EQ(diagnose("y_pred", want, labels({0, 2, 2, 3, 0}), CompareSpec{}, c),
            "your y_pred is wrong only where the reference broke a tie (all 2 wrong entries): a "
            "tied vote goes to the smallest label; and among equal distances the lower training "
            "index comes first");
  // a plural output name reads as one
  EXPECT_EQ(cause_of(varied(), Mat::Zero(3, 4)).substr(0, 12), "your dW is 0");
  EXPECT_EQ(diagnose("dists", varied(), Mat(-varied()), CompareSpec{}, Clues{}).substr(0, 33),
            "your dists are the expected value");
  // one wrong entry where nothing tied: the tie rule is not the (only) cause
  EXPECT_EQ(diagnose("y_pred", want, labels({0, 2, 1, 1, 0}), CompareSpec{}, c), "");
}

TEST(diagnose, a_regularization_term_missing_or_scaled) {
  Clues c;
  const Mat W = varied() / 7.0;
  c.regularization["dW"] = {Mat(2 * 0.1 * W), "2·reg·W"};
  c.regularization["loss"] = {0.1 * W.squaredNorm(), "reg·ΣW²"};
  const Mat data = Mat{{0.3, -0.1, 0.2, 0.05}, {0.0, 0.4, -0.3, 0.1}, {0.2, 0.2, -0.1, -0.6}};
  const Mat right = data + 2 * 0.1 * W;
  EXPECT_EQ(cause_of(right, data, c), "your dW lacks the regularization term 2·reg·W");
  EXPECT_EQ(cause_of(right, Mat(data + 0.1 * W), c),
            "the regularization term of your dW is 0.5 × 2·reg·W, not 2·reg·W");
  // the term right, the rest N times too large
  EXPECT_EQ(cause_of(right, Mat(30 * data + 2 * 0.1 * W),
                     [&] {
                       Clues n = c;
                       n.examples = 30;
                       return n;
                     }()),
            "leaving out the regularization term 2·reg·W, your dW is N = 30 times the expected "
            "value everywhere: is a 1/N missing?");
  const double loss = 1.25 + 0.1 * W.squaredNorm();
  EXPECT_EQ(diagnose("loss", loss, 1.25, CompareSpec{}, c),
            "your loss lacks the regularization term reg·ΣW²");
  EXPECT_EQ(regularization_cause("dW", right, data, c.regularization.at("dW")),
            "your dW lacks the regularization term 2·reg·W");
  EXPECT_EQ(regularization_cause("dW", right, Mat(data * 2), c.regularization.at("dW")), "");
}

TEST(diagnose, a_real_output_n_times_or_a_whole_number_more) {
  EXPECT_EQ(diagnose("loss", 0.5, 20.0, CompareSpec{}, with_examples(40)),
            "your loss is N = 40 times the expected value: is a 1/N missing?");
  EXPECT_EQ(diagnose("loss", 3.014119619, 4.014119619, CompareSpec{}, Clues{}),
            "your loss is exactly 1 more than the expected value: a constant term too many?");
  // one value and an arbitrary ratio say nothing
  EXPECT_EQ(diagnose("loss", 3.0, 3.7, CompareSpec{}, Clues{}), "");
}

TEST(diagnose, zeros_an_offset_a_square_a_root_an_absolute_value) {
  EXPECT_EQ(cause_of(varied(), Mat::Zero(3, 4)),
            "your dW is 0 everywhere: never computed, or overwritten with zeros?");
  EXPECT_EQ(cause_of(varied(), Mat(varied().array() + 0.5)),
            "your dW is exactly 0.5 more than the expected value everywhere: a constant term too "
            "many?");
  const Mat d = varied().cwiseAbs();
  EXPECT_EQ(cause_of(d, Mat(d.array().square())),
            "your dW is the square of the expected value everywhere: a square root missing?");
  EXPECT_EQ(cause_of(d, Mat(d.array().sqrt())),
            "your dW is the square root of the expected value everywhere: a square root too "
            "many?");
  EXPECT_EQ(cause_of(varied(), d),
            "your dW is the absolute value of the expected value everywhere: the sign is lost (an "
            "abs or a square too many?)");
}

TEST(diagnose, wrong_only_where_zero_is_expected_or_where_zero_was_returned) {
  Mat relu = varied();
  relu(0, 1) = relu(1, 0) = relu(2, 1) = 0;  // the mask's zeros
  EXPECT_EQ(cause_of(relu, varied()),
            "your dW is right wherever the expected value is not 0, and not 0 at the 3 places "
            "where 0 is expected: is something that should be zeroed there (a mask, a max(0, ·)) "
            "left out?");
  Mat holes = varied();
  holes(0, 3) = holes(2, 2) = 0;
  EXPECT_EQ(cause_of(varied(), holes),
            "your dW is 0 at each of the 2 wrong places: are those entries never filled in?");
}

TEST(diagnose, the_cases_own_explanation_comes_first) {
  Clues c;
  c.explain = [](const std::string& output, const wire::Value&, const wire::Value&) {
    return output == "dW" ? std::string("your dists are squared distances") : std::string();
  };
  EXPECT_EQ(cause_of(varied(), -varied(), c), "your dists are squared distances");
}

TEST(diagnose, no_cause_for_a_difference_without_a_known_shape) {
  Mat got = varied();
  got(0, 0) = 7;
  got(1, 2) = -3;
  got(2, 3) = 0.1;
  got(0, 2) = 5;
  EXPECT_EQ(cause_of(varied(), got), "");
  EXPECT_EQ(diagnose("best_k", std::int64_t{3}, std::int64_t{5}, CompareSpec{}, Clues{}), "");
}

TEST(diagnose_gradient, names_a_factor_against_the_numerical_gradient) {
  const std::vector<double> numerical = {0.2, -0.1, 0.05, 0.3};
  std::vector<double> analytic;
  for (double v : numerical) analytic.push_back(30 * v);
  EXPECT_EQ(diagnose_gradient("dW", numerical, analytic, with_examples(30)),
            "your dW is N = 30 times the numerical gradient of your own loss everywhere: is a "
            "1/N missing?");
}

TEST(diagnose_gradient, names_a_regularization_term_the_loss_has_and_the_gradient_lacks) {
  Clues c;
  const std::vector<double> term = {0.02, -0.04, 0.01, 0.03};  // 2·reg·W along each direction
  c.regularization["dW"] = {Mat(Eigen::Map<const Mat>(term.data(), 1, 4)), "2·reg·W"};
  const std::vector<double> data = {0.2, -0.1, 0.05, 0.3};
  std::vector<double> numerical;
  for (std::size_t i = 0; i < data.size(); ++i) numerical.push_back(data[i] + term[i]);
  EXPECT_EQ(diagnose_gradient("dW", numerical, data, c),
            "your dW lacks the regularization term 2·reg·W, which the gradient of your own loss "
            "has");
}

TEST(diagnose_gradient, names_a_gradient_not_masked_where_the_numerical_one_is_zero) {
  EXPECT_EQ(diagnose_gradient("dx", {0.0, 0.7, 0.0, -0.2}, {0.4, 0.7, -0.1, -0.2}, Clues{}),
            "your dx is right wherever the numerical gradient of your own loss is not 0, and not 0 "
            "at the 2 places where 0 is expected: is something that should be zeroed there (a "
            "mask, a max(0, ·)) left out?");
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
