// The update rules, step by step against values computed by hand from their formulas.
#include "backprop/optim.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace pg::backprop {
namespace {

const Mat kW{{1.0, -2.0}};
const Mat kG{{0.5, -0.25}};

TEST(sgd, steps_against_the_gradient) {
  EXPECT_EQ(sgd(kW, kG, {0.1}), (Mat{{0.95, -1.975}}));
}

TEST(sgd_momentum, accumulates_velocity_over_two_steps) {
  MomentumState s;
  s.learning_rate = 0.1;
  Mat w1 = sgd_momentum(kW, kG, s);  // v = -0.1 g
  EXPECT_TRUE(w1.isApprox(Mat{{0.95, -1.975}}, 1e-15));
  Mat w2 = sgd_momentum(w1, kG, s);  // v = 0.9 (-0.1 g) - 0.1 g = -0.19 g
  EXPECT_TRUE(w2.isApprox(Mat(w1 - 0.19 * kG), 1e-15));
  EXPECT_TRUE(s.velocity.isApprox(Mat(-0.19 * kG), 1e-15));
}

TEST(rmsprop, divides_by_the_running_root_mean_square) {
  RmspropState s;
  s.learning_rate = 0.01;
  Mat w1 = rmsprop(kW, kG, s);
  // cache = 0.01 g^2, sqrt(cache) = 0.1 |g|: the step is lr * sign(g) / 0.1
  EXPECT_NEAR(w1(0, 0), 1.0 - 0.01 * 0.5 / (0.05 + 1e-8), 1e-15);
  EXPECT_NEAR(w1(0, 1), -2.0 + 0.01 * 0.25 / (0.025 + 1e-8), 1e-15);
}

TEST(adam, matches_pytorch_formula_for_two_steps) {
  AdamState s;
  s.learning_rate = 0.1;
  Mat w = kW;
  for (int t = 1; t <= 2; ++t) w = adam(w, kG, s);
  // a constant gradient: m_hat = g and v_hat = g^2 at every step, so each step is lr * sign(g)
  // (less the epsilon's share)
  EXPECT_EQ(s.t, 2);
  EXPECT_NEAR(w(0, 0), 1.0 - 2 * 0.1 * 0.5 / (0.5 + 1e-8), 1e-12);
  EXPECT_NEAR(w(0, 1), -2.0 + 2 * 0.1 * 0.25 / (0.25 + 1e-8), 1e-12);
  EXPECT_NEAR(s.m(0, 0), 0.1 * 0.5 * (1 + 0.9), 1e-15);
  EXPECT_NEAR(s.v(0, 0), 0.001 * 0.25 * (1 + 0.999), 1e-15);
}

TEST(adam, without_bias_correction_would_step_ten_times_shorter_at_first) {
  AdamState s;
  s.learning_rate = 0.1;
  Mat w = adam(Mat{{0.0}}, Mat{{1.0}}, s);
  // uncorrected: m = 0.1, v = 0.001, step = 0.1 * 0.1 / sqrt(0.001) = 0.316; corrected: 0.1
  EXPECT_NEAR(w(0, 0), -0.1, 1e-8);
}

TEST(update_rules, reject_a_gradient_of_another_shape) {
  AdamState s;
  EXPECT_THROW(adam(Mat::Zero(2, 2), Mat::Zero(2, 3), s), std::invalid_argument);
  EXPECT_THROW(sgd(Mat::Zero(2, 2), Mat::Zero(1, 2), {}), std::invalid_argument);
}

}  // namespace
}  // namespace pg::backprop
