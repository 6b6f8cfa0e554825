// The backprop reference layers: the lecture's circuits by hand, every backward pass against
// numerical vector-Jacobian products, and the losses' known values.
#include "backprop/layers.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "common/gradcheck.hpp"
#include "support/random.hpp"

namespace pg::backprop {
namespace {

using pg::testing::gaussian;

TEST(add_mul_circuit, gives_the_lectures_numbers) {
  auto [out, cache] = add_mul_forward(3, 5, -2);
  EXPECT_EQ(out, -16);
  AddMulGrads g = add_mul_backward(1.0, cache);
  EXPECT_EQ(g.dx, -2);
  EXPECT_EQ(g.dy, -2);
  EXPECT_EQ(g.dz, 8);
}

TEST(neuron_circuit, gives_the_lectures_numbers) {
  // w = (2, -3), b = -3, x = (-1, -2): w.x + b = 1, sigma(1) = 0.731
  auto [out, cache] = neuron_forward(Vec{{2, -3}}, Vec{{-1, -2}}, -3);
  EXPECT_NEAR(out, 1 / (1 + std::exp(-1.0)), 1e-15);
  NeuronGrads g = neuron_backward(1.0, cache);
  const double da = out * (1 - out);  // 0.1966
  EXPECT_NEAR(g.dw(0), -da, 1e-15);
  EXPECT_NEAR(g.dw(1), -2 * da, 1e-15);
  EXPECT_NEAR(g.dx(0), 2 * da, 1e-15);
  EXPECT_NEAR(g.dx(1), -3 * da, 1e-15);
  EXPECT_NEAR(g.db, da, 1e-15);
  EXPECT_NEAR(g.dx(1), -0.59, 0.005);
}

TEST(affine_layer, forward_adds_the_bias_to_every_row) {
  auto [out, cache] = affine_forward(Mat{{1, 2}, {3, 4}}, Mat{{1, 0, 1}, {0, 1, 1}}, Vec{{1, 2, 3}});
  EXPECT_EQ(out, (Mat{{2, 4, 6}, {4, 6, 10}}));
}

TEST(affine_layer, backward_matches_numeric_gradient) {
  Mat x = gaussian(4, 5, 1), w = gaussian(5, 3, 2), dout = gaussian(4, 3, 3);
  Vec b = gaussian(3, 1, 4);
  AffineGrads g = affine_backward(dout, affine_forward(x, w, b).cache);
  auto fx = [&](const Mat& v) { return affine_forward(v, w, b).out; };
  auto fw = [&](const Mat& v) { return affine_forward(x, v, b).out; };
  auto fb = [&](const Mat& v) { return affine_forward(x, w, Vec(v.transpose())).out; };
  EXPECT_LT(rel_error(eval_numerical_gradient_array(fx, x, dout), g.dx), 1e-8);
  EXPECT_LT(rel_error(eval_numerical_gradient_array(fw, w, dout), g.dw), 1e-8);
  EXPECT_LT(rel_error(eval_numerical_gradient_array(fb, Mat(b.transpose()), dout),
                      Mat(g.db.transpose())),
            1e-8);
}

TEST(relu_layer, passes_the_gradient_only_where_x_is_positive) {
  Mat x{{-1, 0, 2}};
  auto [out, cache] = relu_forward(x);
  EXPECT_EQ(out, (Mat{{0, 0, 2}}));
  EXPECT_EQ(relu_backward(Mat{{5, 6, 7}}, cache).dx, (Mat{{0, 0, 7}}));
}

TEST(relu_layer, backward_matches_numeric_gradient_away_from_zero) {
  Mat x = gaussian(6, 4, 5), dout = gaussian(6, 4, 6);
  auto f = [](const Mat& v) { return relu_forward(v).out; };
  EXPECT_LT(rel_error(eval_numerical_gradient_array(f, x, dout),
                      relu_backward(dout, relu_forward(x).cache).dx),
            1e-9);
}

TEST(sigmoid_layer, is_finite_for_huge_inputs_and_matches_numeric_gradient) {
  auto [out, cache] = sigmoid_forward(Mat{{-1000, 0, 1000}});
  EXPECT_EQ(out, (Mat{{0, 0.5, 1}}));
  Mat x = gaussian(3, 4, 7), dout = gaussian(3, 4, 8);
  auto f = [](const Mat& v) { return sigmoid_forward(v).out; };
  EXPECT_LT(rel_error(eval_numerical_gradient_array(f, x, dout),
                      sigmoid_backward(dout, sigmoid_forward(x).cache).dx),
            1e-8);
}

TEST(softmax_loss, is_log_c_for_equal_scores_and_matches_numeric_gradient) {
  IVec y{{0, 2, 1, 2}};
  EXPECT_NEAR(softmax_loss(Mat::Zero(4, 3), y).loss, std::log(3.0), 1e-15);
  Mat s = gaussian(4, 3, 9);
  auto f = [&](const Mat& v) { return softmax_loss(v, y).loss; };
  EXPECT_LT(rel_error(eval_numerical_gradient(f, s), softmax_loss(s, y).dscores), 1e-8);
}

TEST(svm_loss, is_c_minus_1_for_equal_scores_and_matches_numeric_gradient) {
  IVec y{{0, 2, 1, 2}};
  EXPECT_NEAR(svm_loss(Mat::Zero(4, 3), y).loss, 2.0, 1e-15);
  Mat s = gaussian(4, 3, 10);
  auto f = [&](const Mat& v) { return svm_loss(v, y).loss; };
  EXPECT_LT(rel_error(eval_numerical_gradient(f, s), svm_loss(s, y).dscores), 1e-8);
}

TEST(affine_relu_sandwich, backward_matches_numeric_gradient) {
  Mat x = gaussian(3, 4, 11), w = gaussian(4, 5, 12), dout = gaussian(3, 5, 13);
  Vec b = gaussian(5, 1, 14);
  AffineGrads g = affine_relu_backward(dout, affine_relu_forward(x, w, b).cache);
  auto fx = [&](const Mat& v) { return affine_relu_forward(v, w, b).out; };
  auto fw = [&](const Mat& v) { return affine_relu_forward(x, v, b).out; };
  EXPECT_LT(rel_error(eval_numerical_gradient_array(fx, x, dout), g.dx), 1e-8);
  EXPECT_LT(rel_error(eval_numerical_gradient_array(fw, w, dout), g.dw), 1e-8);
}

TEST(affine_layer, rejects_mismatched_shapes_naming_them) {
  try {
    affine_forward(Mat::Zero(2, 3), Mat::Zero(4, 5), Vec::Zero(5));
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "affine_forward: x has shape (2, 3) and w has shape (4, 5); x.cols() "
                           "must equal w.rows()");
  }
}

}  // namespace
}  // namespace pg::backprop
