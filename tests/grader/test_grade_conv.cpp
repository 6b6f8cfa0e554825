// End to end: conv submissions (conv.cpp and cnn.cpp, with the student's own backprop layers.cpp,
// optim.cpp and solver.cpp, which the CNN is built from and trained by) graded with the real
// rubric; its fast-path tests are extra credit.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "grade_samples.hpp"

namespace pg::grader {
namespace {

using ::testing::HasSubstr;
using namespace pg::grader::testing;

GradeReport grade_conv(const std::string& submission) { return grade_sample("conv", submission); }

TEST(grade_conv, reference_scores_full_marks_and_every_extra_credit_point) {
  GradeReport r = grade_conv("reference/conv");
  expect_full_marks(r);
  EXPECT_GT(r.extra_credit_points(), 0);
  EXPECT_GT(r.score(), r.max_score());
  const TestResult& fast = test_named(r, "fast conv gives the naive results, stride 2, pad 1");
  EXPECT_TRUE(fast.extra_credit);
  EXPECT_FALSE(test_named(r, "conv db, numerical check").extra_credit);
}

TEST(grade_conv, skeleton_scores_zero_with_every_test_not_implemented) {
  GradeReport r = grade_conv("assignments/conv");
  expect_all_not_implemented(r);
}

// the lecture's worked numbers are what the reference gives
TEST(grade_conv, a_flipped_kernel_fails_only_where_flipping_changes_the_answer) {
  GradeReport r = grade_conv("tests/submissions/conv/convolve2d_flips_kernel");
  // Filter 1 and 2 are symmetric under a 180-degree turn: flipping changes nothing there
  EXPECT_EQ(test_named(r, "convolve2d, the CNN lecture's Filter 1 on its 6 x 6 image").verdict,
            Verdict::passed);
  EXPECT_THAT(test_named(r, "convolve2d, the image-kernel lecture's 7 x 7 image and corner kernel")
                  .message,
              HasSubstr("your convolve2d returned out (5, 5)"));
}

TEST(grade_conv, a_wrapping_shift_is_named_with_the_first_shift_that_differs) {
  GradeReport r = grade_conv("tests/submissions/conv/shift_wraps_around");
  EXPECT_THAT(test_named(r, "shift_image for every s from -28 to 28").message,
              HasSubstr("your image wrapped around"));
}

class grade_buggy_conv : public ::testing::TestWithParam<Buggy> {};

TEST_P(grade_buggy_conv, loses_exactly_its_tests) {
  const Buggy& b = GetParam();
  expect_loses_exactly(grade_conv(std::string("tests/submissions/conv/") + b.sample), b.loses);
}

// The CNN is built from the layers: a layer's bug also fails the CNN tests that use it. The
// extra-credit tests use the reference's fast layers in these samples, so they all pass.
INSTANTIATE_TEST_SUITE_P(
    samples, grade_buggy_conv,
    ::testing::Values(
        Buggy{"stride_ignored_in_input_index",
              {"conv forward and backward, other shapes",
               "conv forward and backward, 7 x 6 images, 3 x 2 filters, stride 2, pad 1",
               "conv forward and backward, 1 x 4 filters, stride 3, no padding",
               "conv dx, numerical check with stride 2",
               "conv-ReLU-pool with conv stride 2, pad 1 and a 2 x 2 pool of stride 1"}},
        Buggy{"padding_on_one_side",
              {"conv forward and backward, other shapes", "the CNN's loss and gradients, other shapes",
               "conv forward and backward, 3 x 3 filters, stride 1, pad 1",
               "conv forward and backward, 7 x 6 images, 3 x 2 filters, stride 2, pad 1",
               "conv forward and backward, pad 2",
               "conv dw sums over a batch of 3 images, numerical check",
               "conv dx, numerical check with stride 2", "conv-ReLU forward and backward",
               "conv-ReLU dx, numerical check",
               "conv-ReLU-pool with conv stride 2, pad 1 and a 2 x 2 pool of stride 1",
               "conv-ReLU-pool dw, numerical check", "the CNN's loss and gradients",
               "the CNN's loss and gradients with regularization, 2 channels",
               "the CNN's dW1, numerical check",
               "the CNN trained on 3000 Fashion-MNIST images reaches 0.70 test accuracy"}},
        Buggy{"dw_overwritten_per_example",
              {"conv forward and backward, other shapes", "the CNN's loss and gradients, other shapes",
               "conv forward and backward, 3 x 3 filters, stride 1, pad 1",
               "conv forward and backward, 7 x 6 images, 3 x 2 filters, stride 2, pad 1",
               "conv forward and backward, 1 x 4 filters, stride 3, no padding",
               "conv dw sums over a batch of 3 images, numerical check",
               "conv-ReLU forward and backward",
               "conv-ReLU-pool with conv stride 2, pad 1 and a 2 x 2 pool of stride 1",
               "conv-ReLU-pool dw, numerical check", "the CNN's loss and gradients",
               "the CNN's loss and gradients with regularization, 2 channels",
               "the CNN's dW1, numerical check"}},
        Buggy{"pool_gradient_to_every_maximum",
              {"max pool with ties sends the gradient to the first maximum only"}},
        Buggy{"max_pool_ignores_stride",
              {"max pool forward and backward, other shapes", "the CNN's loss and gradients, other shapes",
               "max pool forward and backward, 2 x 2, stride 2",
               "max pool with ties sends the gradient to the first maximum only",
               "conv-ReLU-pool dw, numerical check", "the CNN's loss and gradients",
               "the CNN's loss and gradients with regularization, 2 channels",
               "the CNN's dW1, numerical check",
               "the CNN trained on 3000 Fashion-MNIST images reaches 0.70 test accuracy"}},
        Buggy{"shift_wraps_around",
              {"shift_image for every s from -28 to 28",
               "evaluate_on_shift of a fixed classifier, shifts -3 to 3, 300 images"}},
        Buggy{"convolve2d_flips_kernel",
              {"convolve2d, the image-kernel lecture's 7 x 7 image and corner kernel",
               "convolve2d, random 7 x 6 image, 3 x 2 kernel, stride 2, pad 1",
               "convolve2d, random 5 x 8 image, 2 x 3 kernel, pad 2"}},
        Buggy{"db_not_summed_over_positions",
              {"conv forward and backward, other shapes", "the CNN's loss and gradients, other shapes",
               "conv forward and backward, 3 x 3 filters, stride 1, pad 1",
               "conv forward and backward, 7 x 6 images, 3 x 2 filters, stride 2, pad 1",
               "conv forward and backward, 1 x 4 filters, stride 3, no padding",
               "conv forward and backward, pad 2", "conv db, numerical check",
               "conv-ReLU forward and backward",
               "conv-ReLU-pool with conv stride 2, pad 1 and a 2 x 2 pool of stride 1",
               "the CNN's loss and gradients",
               "the CNN's loss and gradients with regularization, 2 channels"}},
        Buggy{"conv_relu_backward_skips_relu",
              {"the CNN's loss and gradients, other shapes",
               "conv-ReLU forward and backward", "conv-ReLU dx, numerical check",
               "conv-ReLU-pool with conv stride 2, pad 1 and a 2 x 2 pool of stride 1",
               "conv-ReLU-pool dw, numerical check", "the CNN's loss and gradients",
               "the CNN's loss and gradients with regularization, 2 channels",
               "the CNN's dW1, numerical check"}},
        // right but slow: only the speed test, extra credit, is lost (about 30 times the
        // reference's CPU time)
        Buggy{"fast_conv_calls_the_naive_one",
              {"fast conv is fast (32 images, 32 -> 32 channels, 16 x 16, 3 x 3, pad 1)"}},
        // the extra-credit CNN test has reg > 0 too: it is lost, but it costs nothing
        Buggy{"cnn_reg_missing_in_one_layer",
              {"the CNN's loss and gradients, other shapes",
               "the CNN's loss and gradients with regularization, 2 channels",
               "the CNN with the fast layers, loss and gradients"}}),
    [](const auto& info) { return std::string(info.param.sample); });

// An output one row or column too small breaks every later layer: the sandwiches' own backward
// passes then refuse the grader's upstream gradient, which is an error of the submission's own.
TEST(grade_conv, an_output_size_off_by_one_loses_every_conv_test) {
  const std::set<std::string> sandwiches_and_cnn = {
      "conv-ReLU forward and backward", "conv-ReLU dx, numerical check",
      "conv-ReLU-pool with conv stride 2, pad 1 and a 2 x 2 pool of stride 1",
      "conv-ReLU-pool dw, numerical check", "the CNN's loss and gradients",
      "the CNN's loss and gradients with regularization, 2 channels",
      "the CNN's dW1, numerical check", "the CNN's dW3, numerical check",
      "the CNN's loss and gradients, other shapes",
      "the CNN trained on 3000 Fashion-MNIST images reaches 0.70 test accuracy"};
  std::set<std::string> loses = {
      "conv forward and backward, 3 x 3 filters, stride 1, pad 1",
      "conv forward and backward, 7 x 6 images, 3 x 2 filters, stride 2, pad 1",
      "conv forward and backward, 1 x 4 filters, stride 3, no padding",
      "conv forward and backward, pad 2",
      "conv dw sums over a batch of 3 images, numerical check",
      "conv dx, numerical check with stride 2", "conv db, numerical check",
      "conv forward and backward, other shapes"};
  loses.insert(sandwiches_and_cnn.begin(), sandwiches_and_cnn.end());
  GradeReport r = grade_conv("tests/submissions/conv/output_size_off_by_one");
  expect_loses_exactly(r, loses, sandwiches_and_cnn);
  EXPECT_THAT(test_named(r, "conv forward and backward, pad 2").message,
              HasSubstr("returned out with shape (1, 50), expected (1, 72)"));
}

}  // namespace
}  // namespace pg::grader
