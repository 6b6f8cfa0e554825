// End to end: saliency submissions (saliency.cpp alone; the nets are given code compiled into the
// harness) graded with the real rubric: the reference, the skeleton, a correct variant and the
// buggy samples of tests/submissions/saliency/.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "grade_samples.hpp"

namespace pg::grader {
namespace {

using ::testing::HasSubstr;
using namespace pg::grader::testing;

GradeReport grade_saliency(const std::string& submission) {
  return grade_sample("saliency", submission);
}

TEST(grade_saliency, reference_scores_full_marks) {
  expect_full_marks(grade_saliency("reference/saliency"));
}

TEST(grade_saliency, skeleton_scores_zero_with_every_test_not_implemented) {
  expect_all_not_implemented(grade_saliency("assignments/saliency"));
}

// Channel weights summed over the positions instead of averaged scale every map by h*w, which
// the division by the max takes out again: a correct variant, and a test that failed it would
// be a wrong test.
TEST(grade_saliency, grad_cam_with_summed_channel_weights_scores_full_marks) {
  expect_full_marks(grade_saliency("tests/submissions/saliency/grad_cam_sums_weights"));
}

TEST(grade_saliency, a_gradient_with_respect_to_sigma_is_named_as_such) {
  GradeReport r = grade_saliency("tests/submissions/saliency/mask_gradient_wrt_sigma");
  EXPECT_THAT(test_named(r, "mask_objective, preserve, MLP").message,
              HasSubstr("is d loss / d sigma(m), not d loss / d m"));
}

TEST(grade_saliency, a_summed_area_term_is_named_as_such) {
  GradeReport r = grade_saliency("tests/submissions/saliency/deletion_area_summed");
  EXPECT_THAT(test_named(r, "mask_objective, deletion, MLP").message,
              HasSubstr("area term is a sum over the pixels"));
}

TEST(grade_saliency, a_mask_that_does_not_start_at_zero_is_named_as_such) {
  GradeReport r = grade_saliency("tests/submissions/saliency/mask_starts_random");
  EXPECT_THAT(test_named(r, "optimize_mask, preserve, 5 steps against the reference").message,
              HasSubstr("differ already at iteration 0, before any step"));
}

TEST(grade_saliency, adam_without_bias_correction_is_found_at_the_first_step) {
  GradeReport r = grade_saliency("tests/submissions/saliency/adam_without_bias_correction");
  EXPECT_THAT(test_named(r, "optimize_mask, preserve, 5 steps against the reference").message,
              HasSubstr("agree at iteration 0 and differ from iteration 1"));
}

TEST(grade_saliency, a_resize_with_corners_aligned_is_named_as_such) {
  GradeReport r = grade_saliency("tests/submissions/saliency/resize_aligns_corners");
  EXPECT_THAT(test_named(r, "resize_bilinear, 7 x 7 to 28 x 28").message,
              HasSubstr("aligns the corners"));
}

TEST(grade_saliency, a_map_without_relu_is_named_as_such) {
  GradeReport r = grade_saliency("tests/submissions/saliency/grad_cam_without_relu");
  EXPECT_THAT(test_named(r, "Grad-CAM on conv2, the last conv layer").message,
              HasSubstr("Grad-CAM keeps only the positive part"));
}

class grade_buggy_saliency : public ::testing::TestWithParam<Buggy> {};

TEST_P(grade_buggy_saliency, loses_exactly_its_tests) {
  const Buggy& b = GetParam();
  expect_loses_exactly(grade_saliency(std::string("tests/submissions/saliency/") + b.sample),
                       b.loses);
}

INSTANTIATE_TEST_SUITE_P(
    samples, grade_buggy_saliency,
    ::testing::Values(
        Buggy{"saliency_without_abs",
              {"gradient saliency of an MLP", "gradient saliency of the CNN",
               "gradient saliency, each image its own target"}},
        // the mask's gradient is wrong, so every mask it learns is too; the learned masks still
        // raise the score and lower the probability (a gradient scaled per pixel still points
        // uphill)
        Buggy{"mask_gradient_wrt_sigma",
              {"mask_objective, preserve, MLP", "mask_objective, preserve, numerical check of dm",
               "mask_objective, deletion, MLP", "mask_objective, deletion, numerical check of dm",
               "mask_objective, deletion, the CNN",
               "mask_objective, preserve on the CNN, numerical check of dm",
               "optimize_mask, preserve, 5 steps against the reference",
               "optimize_mask, preserve, 50 steps against the reference",
               "optimize_mask, deletion, 50 steps against the reference",
               "optimize_mask, the CNN, 5 steps against the reference"}},
        // the loss and its gradient agree with each other, so the numerical checks pass
        Buggy{"deletion_area_summed",
              {"mask_objective, deletion, MLP", "mask_objective, deletion, the CNN",
               "optimize_mask, deletion, 50 steps against the reference",
               "a deletion mask lowers every image's target probability"}},
        Buggy{"adam_without_bias_correction",
              {"optimize_mask, preserve, 5 steps against the reference",
               "optimize_mask, preserve, 50 steps against the reference",
               "optimize_mask, deletion, 50 steps against the reference",
               "optimize_mask, the CNN, 5 steps against the reference"}},
        Buggy{"mask_starts_random",
              {"optimize_mask, preserve, 5 steps against the reference",
               "optimize_mask, preserve, 50 steps against the reference",
               "optimize_mask, deletion, 50 steps against the reference",
               "optimize_mask, the CNN, 5 steps against the reference"}},
        Buggy{"resize_aligns_corners",
              {"resize_bilinear, 7 x 7 to 28 x 28", "resize_bilinear, 3 x 5 to 8 x 6",
               "resize_bilinear, shrinking 6 x 9 to 4 x 4",
               "Grad-CAM on the pooled maps, resized to the input"}},
        Buggy{"grad_cam_without_relu",
              {"Grad-CAM on conv2, the last conv layer",
               "Grad-CAM on the pooled maps, resized to the input",
               "Grad-CAM, more filters and classes"}}));

}  // namespace
}  // namespace pg::grader
