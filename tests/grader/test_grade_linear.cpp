// End to end: linear-classifier submissions (reference, skeleton, buggy) graded with the real
// rubric, gradient checks included. Each sample must lose exactly the tests it should.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "grade_samples.hpp"

namespace pg::grader {
namespace {

using ::testing::HasSubstr;
using namespace pg::grader::testing;

GradeReport grade_linear(const std::string& submission) {
  return grade_sample("linear", submission);
}

TEST(grade_linear, reference_scores_full_marks) {
  GradeReport r = grade_linear("reference/linear");
  expect_full_marks(r);
  EXPECT_THAT(test_named(r, "SVM gradient of the vectorized version, every coordinate").message,
              HasSubstr("checked 18 coordinates (all) of W"));
}

TEST(grade_linear, skeleton_scores_zero_with_every_test_not_implemented) {
  GradeReport r = grade_linear("assignments/linear");
  expect_all_not_implemented(r);
}

class grade_buggy_linear : public ::testing::TestWithParam<Buggy> {};

TEST_P(grade_buggy_linear, loses_exactly_its_tests) {
  const Buggy& b = GetParam();
  GradeReport r = grade_linear(std::string("tests/submissions/linear/") + b.sample);
  expect_loses_exactly(r, b.loses);
}

INSTANTIATE_TEST_SUITE_P(
    samples, grade_buggy_linear,
    ::testing::Values(
        Buggy{"svm_no_reg_gradient",
              {"SVM loss and gradient, vectorized", "SVM vectorized on 500 Fashion-MNIST images",
               "SVM gradient of the vectorized version, every coordinate",
               "SVM vectorized is fast (300 x 3073 x 700)", "losses of a single example",
               "SGD training of the SVM, 10 steps",
               "SGD training of the SVM follows the reference"}},
        // the constant +1 per example moves the loss but not the gradient: value tests catch it,
        // the gradient check (rightly) does not
        Buggy{"svm_counts_correct_class",
              {"SVM loss and gradient, loops", "SVM loss and gradient, loops, with regularization",
               "SVM loss and gradient, loops, margins of exactly 0 and below",
               "SVM when one class has every label"}},
        Buggy{"softmax_unstable", {"softmax vectorized does not overflow on large scores"}},
        Buggy{"svm_vectorized_loops_over_examples", {"SVM vectorized is fast (300 x 3073 x 700)"}},
        Buggy{"softmax_vectorized_loops_over_examples",
              {"softmax vectorized is fast (300 x 3073 x 700)"}},
        Buggy{"softmax_gradient_times_n",
              {"softmax loss and gradient, loops",
               "softmax loss and gradient, loops, with regularization",
               "softmax gradient of the loops version, numerical check",
               "softmax loss and gradient, loops, on scores in the thousands",
               "softmax loops version does not overflow on large scores"}},
        // each of these loses only the tests made for its mistake (and their hidden twins)
        Buggy{"svm_vectorized_no_hinge",
              {"SVM loss and gradient, vectorized, margins of exactly 0 and below"}},
        Buggy{"svm_margin_zero_counts",
              {"SVM loss and gradient, loops, margins of exactly 0 and below"}},
        Buggy{"softmax_loops_unstable",
              {"softmax loss and gradient, loops, on scores in the thousands",
               "softmax loops version does not overflow on large scores"}},
        Buggy{"train_ignores_kind",
              {"SGD training of the SVM, 10 steps",
               "SGD training of the SVM follows the reference"}}),
    [](const auto& info) { return std::string(info.param.sample); });

TEST(grade_linear, a_wrong_gradient_is_reported_against_the_numerical_one) {
  GradeReport r = grade_linear("tests/submissions/linear/softmax_gradient_times_n");
  const TestResult& t = test_named(r, "softmax gradient of the loops version, numerical check");
  EXPECT_THAT(t.message, HasSubstr("dW disagrees with the numerical gradient of your own loss at "
                                   "25 of 25 random coordinates of W; the worst at ("));
  EXPECT_THAT(t.message, HasSubstr("relative error"));
}

}  // namespace
}  // namespace pg::grader
