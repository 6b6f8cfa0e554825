// End to end: backprop submissions (two files: layers.cpp and optim.cpp) graded with the real
// rubric; gradient checks are vector-Jacobian products of the submission's own forward passes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "grade_samples.hpp"

namespace pg::grader {
namespace {

using ::testing::HasSubstr;
using namespace pg::grader::testing;

GradeReport grade_backprop(const std::string& submission) {
  return grade_sample("backprop", submission);
}

TEST(grade_backprop, reference_scores_full_marks) {
  GradeReport r = grade_backprop("reference/backprop");
  ASSERT_TRUE(r.built) << r.build_log;
  EXPECT_EQ(not_passed(r), (std::map<std::string, Verdict>{}));
  EXPECT_THAT(test_named(r, "affine db, numerical check").message,
              HasSubstr("checked 3 coordinates (all) of b"));
}

TEST(grade_backprop, skeleton_scores_zero_with_every_test_not_implemented) {
  GradeReport r = grade_backprop("assignments/backprop");
  ASSERT_TRUE(r.built) << r.build_log;
  EXPECT_EQ(r.score(), 0);
  for (const auto& t : r.tests) {
    EXPECT_EQ(t.verdict, Verdict::not_implemented) << t.name << ": " << t.message;
  }
}

struct Buggy {
  const char* sample;
  std::set<std::string> loses;
};

void PrintTo(const Buggy& b, std::ostream* os) { *os << b.sample; }

class grade_buggy_backprop : public ::testing::TestWithParam<Buggy> {};

TEST_P(grade_buggy_backprop, loses_exactly_its_tests) {
  const Buggy& b = GetParam();
  expect_loses_exactly(grade_backprop(std::string("tests/submissions/backprop/") + b.sample),
                       b.loses);
}

INSTANTIATE_TEST_SUITE_P(
    samples, grade_buggy_backprop,
    ::testing::Values(
        Buggy{"relu_passes_negative",
              {"ReLU forward and backward", "ReLU dx, numerical check",
               "affine-ReLU forward and backward", "affine-ReLU dw, numerical check"}},
        Buggy{"bias_gradient_not_summed",
              {"affine forward and backward", "affine db, numerical check",
               "affine-ReLU forward and backward"}},
        Buggy{"adam_no_bias_correction",
              {"Adam, 5 steps", "Adam, 50 steps with a large learning rate"}},
        Buggy{"momentum_sign_flipped", {"SGD with momentum, 5 steps"}}),
    [](const auto& info) { return std::string(info.param.sample); });

}  // namespace
}  // namespace pg::grader
