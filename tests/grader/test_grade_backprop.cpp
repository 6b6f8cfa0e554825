// End to end: backprop submissions (four files: layers.cpp, optim.cpp, fc_net.cpp, solver.cpp)
// graded with the real rubric; gradient checks are vector-Jacobian products of the submission's
// own forward passes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "grade_samples.hpp"

namespace pg::grader {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace pg::grader::testing;

GradeReport grade_backprop(const std::string& submission) {
  return grade_sample("backprop", submission);
}

TEST(grade_backprop, reference_scores_full_marks) {
  GradeReport r = grade_backprop("reference/backprop");
  expect_full_marks(r);
  EXPECT_THAT(test_named(r, "affine db, numerical check").message,
              HasSubstr("checked 3 coordinates (all) of b"));
}

TEST(grade_backprop, a_failing_net_test_names_the_failing_layer_tests_to_fix_first) {
  GradeReport r = grade_backprop("tests/submissions/backprop/relu_passes_negative");
  EXPECT_THAT(test_named(r, "net with one hidden layer, loss and gradients").hint,
              HasSubstr("'ReLU forward and backward' and 'affine-ReLU forward and backward', "
                        "which did not pass: fix those first"));
  // the solver names only what it builds on directly: the net test, not the Adam test (passed)
  EXPECT_THAT(test_named(r, "the solver with Adam follows the reference step by step").hint,
              AllOf(HasSubstr("'net with one hidden layer, loss and gradients'"),
                    Not(HasSubstr("Adam, 5 steps"))));
  // failing on its own, with nothing it builds on failing: no hint
  EXPECT_EQ(test_named(r, "ReLU forward and backward").hint, "");
  EXPECT_EQ(test_named(r, "Adam, 5 steps").hint, "");
}

TEST(grade_backprop, skeleton_scores_zero_with_every_test_not_implemented) {
  GradeReport r = grade_backprop("assignments/backprop");
  expect_all_not_implemented(r);
}

class grade_buggy_backprop : public ::testing::TestWithParam<Buggy> {};

TEST_P(grade_buggy_backprop, loses_exactly_its_tests) {
  const Buggy& b = GetParam();
  expect_loses_exactly(grade_backprop(std::string("tests/submissions/backprop/") + b.sample),
                       b.loses);
}

INSTANTIATE_TEST_SUITE_P(
    samples, grade_buggy_backprop,
    ::testing::Values(
        // the net is built from the layers: a layer's bug also fails the nets that use it
        Buggy{"relu_passes_negative",
              {"ReLU forward and backward", "ReLU dx, numerical check",
               "ReLU at exactly 0 passes no gradient",
               "affine-ReLU forward and backward", "affine-ReLU dw, numerical check",
               "net with one hidden layer, loss and gradients",
               "net with two hidden layers and regularization, loss and gradients",
               "net with three hidden layers and regularization, loss and gradients",
               "net W1 with regularization, numerical check", "net b2, numerical check",
               "the solver with Adam follows the reference step by step",
               "the solver with SGD, momentum and learning-rate decay",
               "a small net overfits 50 examples (the loss falls to about 0.01)",
               "the solver measures training accuracy on the first num_train_samples rows"}},
        Buggy{"bias_gradient_not_summed",
              {"affine forward and backward", "affine db, numerical check",
               "affine-ReLU forward and backward", "net with one hidden layer, loss and gradients",
               "net with two hidden layers and regularization, loss and gradients",
               "net with three hidden layers and regularization, loss and gradients",
               "net without hidden layers (softmax regression)", "net b2, numerical check",
               "the solver with Adam follows the reference step by step",
               "the solver with SGD, momentum and learning-rate decay",
               "a small net overfits 50 examples (the loss falls to about 0.01)",
               "the solver measures training accuracy on the first num_train_samples rows"}},
        Buggy{"adam_no_bias_correction",
              {"Adam, 5 steps",
               "Adam with gradients near ε (ε outside the root, after the correction)",
               "Adam, 50 steps with a large learning rate",
               "the solver with Adam follows the reference step by step",
               "a small net overfits 50 examples (the loss falls to about 0.01)"}},
        Buggy{"momentum_sign_flipped",
              {"SGD with momentum, 5 steps",
               "the solver with SGD, momentum and learning-rate decay"}},
        Buggy{"reg_missing_in_one_layer",
              {"net with two hidden layers and regularization, loss and gradients",
               "net with three hidden layers and regularization, loss and gradients",
               "net without hidden layers (softmax regression)", "net W3, numerical check",
               "the solver with SGD, momentum and learning-rate decay"}},
        Buggy{"solver_ignores_lr_decay",
              {"the solver with SGD, momentum and learning-rate decay"}},
        // each of these loses only the tests made for its mistake (and their hidden twins); the
        // misplaced ε changes every Adam step a little, which the solver tests see too
        Buggy{"add_mul_ignores_dout", {"the circuit (x + y) z with an upstream gradient"}},
        Buggy{"softmax_loss_unstable",
              {"softmax loss on scores in the hundreds",
               "softmax loss does not overflow on large scores"}},
        Buggy{"adam_eps_inside_root",
              {"Adam with gradients near ε (ε outside the root, after the correction)",
               "Adam, 5 steps", "Adam, 50 steps with a large learning rate",
               "the solver with Adam follows the reference step by step",
               "a small net overfits 50 examples (the loss falls to about 0.01)"}},
        Buggy{"solver_train_acc_all_rows",
              {"the solver measures training accuracy on the first num_train_samples rows"}}),
    [](const auto& info) { return std::string(info.param.sample); });

}  // namespace
}  // namespace pg::grader
