#include "common/gradcheck.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "common/errors.hpp"

namespace pg {
namespace {

TEST(rel_error, is_zero_for_equal_and_one_for_opposite_values) {
  Mat a(1, 3);
  a << 1.0, -2.0, 0.0;
  EXPECT_EQ(rel_error(a, a), 0.0);
  EXPECT_DOUBLE_EQ(rel_error(a, Mat(-a)), 1.0);
}

TEST(rel_error, uses_the_floor_for_tiny_values) {
  EXPECT_DOUBLE_EQ(rel_error(1e-12, 0.0), 1e-12 / 1e-8);
}

TEST(rel_error, rejects_different_shapes) {
  EXPECT_THROW(rel_error(Mat::Zero(2, 3), Mat::Zero(3, 2)), ShapeError);
}

TEST(numerical_gradient, matches_the_gradient_of_a_quadratic) {
  Mat x(2, 2);
  x << 1.0, -2.0, 0.5, 3.0;
  auto f = [](const Mat& m) { return (m.array() * m.array()).sum() + m(0, 1) * m(1, 0); };
  Mat analytic = 2.0 * x;
  analytic(0, 1) += x(1, 0);
  analytic(1, 0) += x(0, 1);
  EXPECT_LT(rel_error(eval_numerical_gradient(f, x), analytic), 1e-9);
}

TEST(numerical_gradient, array_version_gives_the_vector_jacobian_product) {
  Mat x(1, 3), dout(1, 3);
  x << 0.1, -0.7, 2.0;
  dout << 1.0, 2.0, -1.0;
  auto f = [](const Mat& m) { return Mat(m.array().tanh()); };
  Mat analytic = (1.0 - x.array().tanh().square()) * dout.array();
  EXPECT_LT(rel_error(eval_numerical_gradient_array(f, x, dout), analytic), 1e-8);
}

TEST(sparse_check, finds_the_one_wrong_coordinate) {
  Mat x = Mat::Constant(1, 1, 2.0);
  auto f = [](const Mat& m) { return std::pow(m(0, 0), 3); };
  Mat wrong = Mat::Constant(1, 1, 11.0);  // the true derivative is 12
  auto checks = grad_check_sparse(f, x, wrong, 3, 7);
  ASSERT_EQ(checks.size(), 3u);
  EXPECT_NEAR(checks[0].numerical, 12.0, 1e-6);
  EXPECT_NEAR(checks[0].rel_error, 1.0 / 23.0, 1e-6);
}

TEST(projection_check, agrees_for_a_right_gradient_and_not_for_a_wrong_one) {
  Mat x(3, 4);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = 0.1 * static_cast<double>(i) - 0.5;
  auto f = [](const Mat& m) { return m.array().exp().sum(); };
  Mat right = x.array().exp();
  EXPECT_LT(grad_check_projection(f, x, right, 3).rel_error, 1e-8);
  Mat wrong = right;
  wrong(1, 2) *= 3.0;
  EXPECT_GT(grad_check_projection(f, x, wrong, 3).rel_error, 1e-3);
}

}  // namespace
}  // namespace pg
