// The given nets (models.cpp) and the reference saliency: every backward pass against numerical
// gradients, the feature maps against the scores, the mask's loss and gradient for both
// objectives, a batch of masks against the same masks learned one image at a time, resizing on
// numbers worked by hand, Grad-CAM's scaling and its all-zero map, and bad shapes.
#include "saliency/saliency.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <stdexcept>
#include <string>

#include "common/gradcheck.hpp"
#include "support/random.hpp"

namespace pg::saliency {
namespace {

using pg::testing::gaussian;
using pg::testing::labels;

// an MLP 12 -> 8 -> 6 -> 4 with biases >= 0 (few dead units)
Mlp small_mlp(std::uint64_t seed) {
  backprop::Params p;
  const long sizes[] = {12, 8, 6, 4};
  for (int i = 0; i < 3; ++i) {
    const std::string layer = std::to_string(i + 1);
    p["W" + layer] = 0.5 * gaussian(sizes[i], sizes[i + 1], seed + 2 * i);
    p["b" + layer] = 0.5 * gaussian(1, sizes[i + 1], seed + 2 * i + 1).cwiseAbs();
  }
  return Mlp(p);
}

conv::ConvNetConfig small_config() {
  conv::ConvNetConfig c;
  c.height = 6;
  c.width = 4;
  c.filters1 = 2;
  c.filters2 = 3;
  c.hidden = 5;
  c.num_classes = 3;
  return c;
}

Cnn small_cnn(std::uint64_t seed, double b2 = 0.0) {
  const conv::ConvNetConfig c = small_config();
  backprop::Params p;
  p["W1"] = 0.5 * gaussian(2, 9, seed);
  p["b1"] = 0.5 * gaussian(1, 2, seed + 1);
  p["W2"] = 0.5 * gaussian(3, 18, seed + 2);
  p["b2"] = 0.5 * gaussian(1, 3, seed + 3).array() + b2;
  p["W3"] = 0.5 * gaussian(3 * 3 * 2, 5, seed + 4);
  p["b3"] = 0.5 * gaussian(1, 5, seed + 5).cwiseAbs();
  p["W4"] = 0.5 * gaussian(5, 3, seed + 6);
  p["b4"] = 0.5 * gaussian(1, 3, seed + 7);
  return Cnn(c, p);
}

// images with pixels in [0, 1]
Mat images(long n, long d, std::uint64_t seed) {
  return (gaussian(n, d, seed).array().abs().min(1.0)).matrix();
}

// d sum(scores(X) * dscores) / dX, numerically
Mat numerical_input_gradient(const Classifier& model, const Mat& X, const Mat& dscores) {
  return eval_numerical_gradient_array([&](const Mat& x) { return model.scores(x); }, X, dscores);
}

TEST(models, the_mlp_input_gradient_is_the_numerical_one) {
  const Mlp mlp = small_mlp(1);
  const Mat X = images(3, 12, 2), dscores = gaussian(3, 4, 3);
  const Mat analytic = mlp.input_gradient(X, dscores);
  EXPECT_GT(analytic.cwiseAbs().maxCoeff(), 1e-3);
  EXPECT_LT(rel_error(analytic, numerical_input_gradient(mlp, X, dscores)), 1e-7);
}

TEST(models, the_cnn_input_gradient_is_the_numerical_one) {
  const Cnn cnn = small_cnn(4);
  const Mat X = images(2, 24, 5), dscores = gaussian(2, 3, 6);
  const Mat analytic = cnn.input_gradient(X, dscores);
  EXPECT_GT(analytic.cwiseAbs().maxCoeff(), 1e-3);
  EXPECT_LT(rel_error(analytic, numerical_input_gradient(cnn, X, dscores)), 1e-6);
}

TEST(models, the_cnn_features_give_its_scores_and_their_gradient_is_the_numerical_one) {
  const Cnn cnn = small_cnn(7);
  const Mat X = images(2, 24, 8), dscores = gaussian(2, 3, 9);
  for (CamLayer layer : {CamLayer::conv2, CamLayer::pool}) {
    const Tensor4 A = cnn.features(X, layer);
    const long h = layer == CamLayer::pool ? 3 : 6, w = layer == CamLayer::pool ? 2 : 4;
    EXPECT_EQ(shape_of(A), shape_of(Tensor4(2, 3, h, w)));
    EXPECT_LT((cnn.scores_from(A, layer) - cnn.scores(X)).cwiseAbs().maxCoeff(), 1e-12);
    // at maps without ties (a ReLU's zeros tie in a pool window, where the gradient is one-sided)
    const Tensor4 B = unflatten(gaussian(2, 3 * h * w, 10).cwiseAbs(), 3, h, w);
    const Mat analytic = flatten(cnn.features_gradient(B, layer, dscores));
    const Mat numerical = eval_numerical_gradient_array(
        [&](const Mat& a) { return cnn.scores_from(unflatten(a, 3, h, w), layer); }, flatten(B),
        dscores);
    EXPECT_LT(rel_error(analytic, numerical), 1e-6) << (layer == CamLayer::pool ? "pool" : "conv2");
  }
}

TEST(models, a_kept_forward_pass_has_the_scores_of_a_plain_one) {
  const Mlp mlp = small_mlp(40);
  const Cnn cnn = small_cnn(41);
  for (const Classifier* model : {static_cast<const Classifier*>(&mlp),
                                  static_cast<const Classifier*>(&cnn)}) {
    const Mat X = images(3, model->input_size(), 42);
    const auto pass = model->forward(X);
    EXPECT_LT((pass->scores() - model->scores(X)).cwiseAbs().maxCoeff(), 1e-12);
    const Mat dscores = gaussian(3, model->num_classes(), 43);
    EXPECT_EQ(pass->input_gradient(dscores), model->input_gradient(X, dscores));
    EXPECT_THROW(pass->input_gradient(gaussian(2, model->num_classes(), 44)), std::invalid_argument);
  }
}

TEST(models, shapes_that_do_not_chain_are_refused) {
  backprop::Params p;
  p["W1"] = Mat::Zero(4, 3);
  p["b1"] = Mat::Zero(1, 3);
  p["W2"] = Mat::Zero(5, 2);
  p["b2"] = Mat::Zero(1, 2);
  EXPECT_THROW(Mlp{p}, std::invalid_argument);
  backprop::Params q;
  q["W1"] = Mat::Zero(2, 9);
  EXPECT_THROW(Cnn(small_config(), q), std::invalid_argument);
}

TEST(gradient_saliency, is_the_absolute_input_gradient_of_each_target_score) {
  const Mlp mlp = small_mlp(10);
  const Mat X = images(4, 12, 11);
  const IVec t = labels(4, 4, 12);
  const Mat s = gradient_saliency(mlp, X, t);
  for (long n = 0; n < 4; ++n) {
    Mat pick = Mat::Zero(4, 4);
    pick(n, t(n)) = 1;
    const Mat numerical = numerical_input_gradient(mlp, X, pick).cwiseAbs();
    EXPECT_LT((s.row(n) - numerical.row(n)).cwiseAbs().maxCoeff(), 1e-8) << "image " << n;
  }
  EXPECT_GE(s.minCoeff(), 0.0);
}

TEST(gradient_saliency, refuses_a_target_out_of_range_and_the_wrong_columns) {
  const Mlp mlp = small_mlp(13);
  IVec t(1);
  t << 4;
  EXPECT_THROW(gradient_saliency(mlp, images(1, 12, 14), t), std::invalid_argument);
  t << 0;
  EXPECT_THROW(gradient_saliency(mlp, images(1, 11, 14), t), std::invalid_argument);
  EXPECT_THROW(gradient_saliency(mlp, images(2, 12, 14), t), std::invalid_argument);
}

TEST(mask_objective, the_gradient_is_the_numerical_one_for_both_objectives_and_both_nets) {
  const Mlp mlp = small_mlp(15);
  const Cnn cnn = small_cnn(16);
  for (const Classifier* model : {static_cast<const Classifier*>(&mlp),
                                  static_cast<const Classifier*>(&cnn)}) {
    const long d = model->input_size();
    const Mat X = images(3, d, 17), m = gaussian(3, d, 18);
    const IVec t = labels(3, static_cast<int>(model->num_classes()), 19);
    for (Objective o : {Objective::preserve, Objective::deletion}) {
      const MaskLoss r = mask_objective(*model, X, t, m, o, 0.7);
      const Mat numerical = eval_numerical_gradient(
          [&](const Mat& mm) { return mask_objective(*model, X, t, mm, o, 0.7).loss; }, m);
      EXPECT_GT(r.dm.cwiseAbs().maxCoeff(), 1e-4);
      EXPECT_LT(rel_error(r.dm, numerical), 1e-6)
          << (o == Objective::preserve ? "preserve" : "deletion") << " on D = " << d;
    }
  }
}

TEST(mask_objective, preserve_is_minus_the_target_scores_and_deletion_their_probability_plus_area) {
  const Mlp mlp = small_mlp(20);
  const Mat X = images(2, 12, 21), m = gaussian(2, 12, 22);
  const IVec t = labels(2, 4, 23);
  const Mat s = (1.0 + (-m.array()).exp()).inverse().matrix();
  const Mat scores = mlp.scores(X.cwiseProduct(s));
  double preserve = 0, deletion = 0;
  for (long n = 0; n < 2; ++n) {
    preserve -= scores(n, t(n));
    const double z = scores.row(n).array().exp().sum();
    deletion += std::exp(scores(n, t(n))) / z + 0.3 * (1.0 - s.row(n).array()).mean();
  }
  EXPECT_NEAR(mask_objective(mlp, X, t, m, Objective::preserve).loss, preserve, 1e-12);
  EXPECT_NEAR(mask_objective(mlp, X, t, m, Objective::deletion, 0.3).loss, deletion, 1e-12);
}

TEST(optimize_mask, a_batch_learns_each_image_s_mask_as_if_it_were_alone) {
  const Mlp mlp = small_mlp(24);
  const Mat X = images(3, 12, 25);
  const IVec t = labels(3, 4, 26);
  for (Objective o : {Objective::preserve, Objective::deletion}) {
    const MaskResult batch = optimize_mask(mlp, X, t, 40, 0.1, o);
    ASSERT_EQ(batch.target_scores.rows(), 40);
    for (long n = 0; n < 3; ++n) {
      const MaskResult alone = optimize_mask(mlp, X.row(n), t.segment(n, 1), 40, 0.1, o);
      EXPECT_LT((batch.mask.row(n) - alone.mask).cwiseAbs().maxCoeff(), 1e-9);
      EXPECT_LT((batch.target_scores.col(n) - alone.target_scores).cwiseAbs().maxCoeff(), 1e-9);
    }
  }
}

TEST(optimize_mask, starts_from_half_the_image_and_raises_the_target_score) {
  const Cnn cnn = small_cnn(27);
  const Mat X = images(2, 24, 28);
  const IVec t = labels(2, 3, 29);
  const MaskResult r = optimize_mask(cnn, X, t, 100, 0.1, Objective::preserve);
  const Mat start = cnn.scores(0.5 * X), end = cnn.scores(X.cwiseProduct(r.mask));
  for (long n = 0; n < 2; ++n) {
    EXPECT_NEAR(r.target_scores(0, n), start(n, t(n)), 1e-12);
    EXPECT_GT(end(n, t(n)), start(n, t(n)));
  }
  EXPECT_GT(r.mask.minCoeff(), 0.0);
  EXPECT_LT(r.mask.maxCoeff(), 1.0);
}

TEST(optimize_mask, one_adam_step_moves_every_live_logit_by_the_learning_rate) {
  // after one step, v1 / (1 - beta1) = g and v2 / (1 - beta2) = g^2: the step is
  // lr * g / (|g| + eps), lr * sign(g) but for eps
  const Mlp mlp = small_mlp(30);
  const Mat X = images(2, 12, 31);
  const IVec t = labels(2, 4, 32);
  const Mat g = mask_objective(mlp, X, t, Mat::Zero(2, 12)).dm;
  const MaskResult r = optimize_mask(mlp, X, t, 1, 0.25);
  for (long i = 0; i < g.size(); ++i) {
    if (std::abs(g.data()[i]) < 1e-6) continue;
    const double m = std::log(r.mask.data()[i] / (1 - r.mask.data()[i]));
    EXPECT_NEAR(m, -0.25 * g.data()[i] / (std::abs(g.data()[i]) + 1e-8), 1e-12);
  }
}

TEST(resize_bilinear, matches_numbers_worked_by_hand) {
  Mat row(1, 2);
  row << 0, 1;
  Mat want(1, 4);
  want << 0, 0.25, 0.75, 1;
  EXPECT_LT((resize_bilinear(row, 1, 4) - want).cwiseAbs().maxCoeff(), 1e-15);
  Mat square(2, 2);
  square << 0, 1, 2, 3;
  // rows sample y = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1): weights 0, .25, .75, 1
  const Mat big = resize_bilinear(square, 4, 4);
  EXPECT_DOUBLE_EQ(big(0, 0), 0.0);
  EXPECT_DOUBLE_EQ(big(1, 1), 0.25 * 2 + 0.25);
  EXPECT_DOUBLE_EQ(big(3, 3), 3.0);
  EXPECT_DOUBLE_EQ(big(2, 1), 0.75 * 2 + 0.25);
  // shrinking by 2 averages each 2 x 2 block
  const Mat m = gaussian(4, 6, 33);
  const Mat half = resize_bilinear(m, 2, 3);
  EXPECT_NEAR(half(1, 2), m.block(2, 4, 2, 2).mean(), 1e-14);
  EXPECT_EQ(resize_bilinear(m, 4, 6), m);
  EXPECT_THROW(resize_bilinear(m, 0, 3), std::invalid_argument);
}

TEST(grad_cam, is_scaled_to_one_and_summed_weights_give_the_same_map) {
  const Cnn cnn = small_cnn(34);
  const Mat X = images(3, 24, 35);
  const IVec t = labels(3, 3, 36);
  for (CamLayer layer : {CamLayer::conv2, CamLayer::pool}) {
    const Mat cam = grad_cam(cnn, X, t, layer);
    ASSERT_EQ(cam.rows(), 3);
    ASSERT_EQ(cam.cols(), 24);
    EXPECT_GE(cam.minCoeff(), 0.0);
    for (long n = 0; n < 3; ++n) {
      const double top = cam.row(n).maxCoeff();
      EXPECT_TRUE(top == 0.0 || std::abs(top - 1.0) < 1e-15);
    }
  }
  // by hand for image 0 at conv2: the weights summed, not averaged
  const Tensor4 A = cnn.features(X.topRows(1), CamLayer::conv2);
  Mat pick = Mat::Zero(1, 3);
  pick(0, t(0)) = 1;
  const Tensor4 G = cnn.features_gradient(A, CamLayer::conv2, pick);
  Mat sum = Mat::Zero(6, 4);
  for (long k = 0; k < 3; ++k) {
    double alpha = 0;
    for (long i = 0; i < 6; ++i) {
      for (long j = 0; j < 4; ++j) alpha += G(0, k, i, j);
    }
    for (long i = 0; i < 6; ++i) {
      for (long j = 0; j < 4; ++j) sum(i, j) += alpha * A(0, k, i, j);
    }
  }
  sum = sum.cwiseMax(0.0);
  if (sum.maxCoeff() > 0) sum /= sum.maxCoeff();
  const Mat cam = grad_cam(cnn, X.topRows(1), t.head(1));
  EXPECT_LT((cam - Eigen::Map<const Mat>(sum.data(), 1, 24)).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(grad_cam, a_net_whose_maps_are_all_zero_gives_an_all_zero_map) {
  const Cnn dead = small_cnn(37, -100.0);
  const Mat cam = grad_cam(dead, images(2, 24, 38), labels(2, 3, 39));
  EXPECT_TRUE(cam.allFinite());
  EXPECT_EQ(cam.cwiseAbs().maxCoeff(), 0.0);
}

}  // namespace
}  // namespace pg::saliency
