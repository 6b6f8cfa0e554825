// The linear-classifier reference against the lecture's worked example, numerical gradients, and
// its own contract (naive = vectorized, stability, determinism, argument errors).
#include "linear/linear.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "common/gradcheck.hpp"
#include "support/random.hpp"

namespace pg::linear {
namespace {

using pg::testing::gaussian;
using pg::testing::labels;

// The lecture's scores: rows are the cat, car and frog images, columns the cat, car and frog
// classes. With X = I, the scores X W are W itself.
const Mat kScores{{3.2, 5.1, -1.7}, {1.3, 4.9, 2.0}, {2.2, 2.5, -3.1}};

TEST(svm_loss, gives_the_lectures_losses_2_9_0_12_9_mean_5_27) {
  const IVec y{{0, 1, 2}};
  for (auto f : {svm_loss_naive, svm_loss_vectorized}) {
    EXPECT_NEAR(f(kScores, Mat::Identity(3, 3), y, 0.0).loss, (2.9 + 0.0 + 12.9) / 3, 1e-12);
    EXPECT_NEAR(f(kScores, Mat::Identity(1, 3), IVec{{0}}, 0.0).loss, 2.9, 1e-12);
  }
}

TEST(softmax_loss, gives_the_lectures_2_04_for_the_cat_image) {
  for (auto f : {softmax_loss_naive, softmax_loss_vectorized}) {
    // -log(e^3.2 / (e^3.2 + e^5.1 + e^-1.7))
    double want = -3.2 + std::log(std::exp(3.2) + std::exp(5.1) + std::exp(-1.7));
    EXPECT_NEAR(f(kScores, Mat::Identity(1, 3), IVec{{0}}, 0.0).loss, want, 1e-12);
    EXPECT_NEAR(want, 2.04, 0.005);
  }
}

TEST(softmax_loss, starts_near_log_c_with_tiny_weights) {
  Mat X = gaussian(200, 30, 1);
  Mat W = 1e-4 * gaussian(30, 10, 2);
  EXPECT_NEAR(softmax_loss_vectorized(W, X, labels(200, 10, 3), 0.0).loss, std::log(10.0), 0.01);
}

TEST(softmax_loss, stays_finite_for_scores_in_the_thousands) {
  Mat X = gaussian(20, 10, 4);
  Mat W = 300.0 * gaussian(10, 5, 5);
  IVec y = labels(20, 5, 6);
  for (auto f : {softmax_loss_naive, softmax_loss_vectorized}) {
    LossGrad lg = f(W, X, y, 0.0);
    EXPECT_TRUE(std::isfinite(lg.loss));
    EXPECT_TRUE(lg.dW.allFinite());
  }
}

struct Pair {
  const char* name;
  LossGrad (*naive)(const Mat&, const Mat&, const IVec&, double);
  LossGrad (*vectorized)(const Mat&, const Mat&, const IVec&, double);
};

class losses : public ::testing::TestWithParam<Pair> {};

TEST_P(losses, naive_and_vectorized_agree) {
  Mat X = gaussian(60, 25, 7), W = 0.1 * gaussian(25, 7, 8);
  IVec y = labels(60, 7, 9);
  LossGrad a = GetParam().naive(W, X, y, 0.05), b = GetParam().vectorized(W, X, y, 0.05);
  EXPECT_NEAR(a.loss, b.loss, 1e-12 * std::abs(a.loss));
  EXPECT_LT(rel_error(a.dW, b.dW), 1e-10);
}

TEST_P(losses, gradient_matches_the_numerical_gradient) {
  Mat X = gaussian(30, 8, 10), W = 0.5 * gaussian(8, 4, 11);
  IVec y = labels(30, 4, 12);
  for (auto f : {GetParam().naive, GetParam().vectorized}) {
    LossGrad lg = f(W, X, y, 0.1);
    auto loss = [&](const Mat& w) { return f(w, X, y, 0.1).loss; };
    // away from the hinge kinks (none within 1e-5 here) centered differences agree to ~1e-9
    EXPECT_LT(rel_error(eval_numerical_gradient(loss, W), lg.dW), 1e-7);
  }
}

TEST_P(losses, add_the_regularization_and_its_gradient) {
  Mat X = gaussian(10, 5, 13), W = 0.3 * gaussian(5, 3, 14);
  IVec y = labels(10, 3, 15);
  for (auto f : {GetParam().naive, GetParam().vectorized}) {
    LossGrad with = f(W, X, y, 0.7), without = f(W, X, y, 0.0);
    EXPECT_NEAR(with.loss - without.loss, 0.7 * W.squaredNorm(), 1e-12);
    EXPECT_LT(rel_error(Mat(with.dW - without.dW), Mat(1.4 * W)), 1e-12);
  }
}

TEST_P(losses, reject_mismatched_shapes_and_labels_out_of_range) {
  for (auto f : {GetParam().naive, GetParam().vectorized}) {
    EXPECT_THROW(f(Mat::Zero(4, 3), Mat::Zero(2, 5), IVec::Zero(2), 0.0), std::invalid_argument);
    EXPECT_THROW(f(Mat::Zero(4, 3), Mat::Zero(2, 4), IVec{{0, 3}}, 0.0), std::invalid_argument);
  }
}

INSTANTIATE_TEST_SUITE_P(
    all, losses,
    ::testing::Values(Pair{"svm", svm_loss_naive, svm_loss_vectorized},
                      Pair{"softmax", softmax_loss_naive, softmax_loss_vectorized}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(svm_loss, names_both_shapes_when_x_and_w_do_not_fit) {
  try {
    svm_loss_vectorized(Mat::Zero(4, 3), Mat::Zero(2, 5), IVec::Zero(2), 0.0);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "svm_loss_vectorized: X has shape (2, 5) and W has shape (4, 3); X.cols() must "
                 "equal W.rows() (D)");
  }
}

TEST(linear_classifier, training_is_deterministic_for_a_seed_and_lowers_the_loss) {
  Mat X = gaussian(300, 12, 16);
  IVec y = labels(300, 4, 17);
  // labels that X can predict: shift the class means apart
  for (long i = 0; i < 300; ++i) X(i, y(i)) += 3.0;
  LinearClassifier a(LossKind::softmax), b(LossKind::softmax);
  std::vector<double> ha = a.train(X, y, 0.1, 1e-3, 200, 32, 5);
  std::vector<double> hb = b.train(X, y, 0.1, 1e-3, 200, 32, 5);
  EXPECT_EQ(ha, hb);
  EXPECT_EQ(a.W(), b.W());
  EXPECT_LT(ha.back(), 0.5 * ha.front());
  EXPECT_GT((a.predict(X).array() == y.array()).cast<double>().mean(), 0.9);
}

TEST(linear_classifier, predict_breaks_ties_toward_the_smaller_class) {
  LinearClassifier c(LossKind::svm);
  c.set_W(Mat{{1.0, 2.0, 2.0}});
  EXPECT_EQ(c.predict(Mat{{1.0}, {-1.0}}), (IVec{{1, 0}}));
}

TEST(search_hyperparameters, tries_every_pair_learning_rates_outermost) {
  Mat X = gaussian(120, 6, 18);
  IVec y = labels(120, 3, 19);
  SearchResult r = search_hyperparameters(LossKind::softmax, X.topRows(100), y.head(100),
                                          X.bottomRows(20), y.tail(20), {1e-2, 1e-1},
                                          {1e-4, 1e-3, 1e-2}, 20, 10, 3);
  ASSERT_EQ(r.rows.size(), 6u);
  EXPECT_EQ(r.rows[1].learning_rate, 1e-2);
  EXPECT_EQ(r.rows[1].reg, 1e-3);
  EXPECT_EQ(r.rows[3].learning_rate, 1e-1);
  for (const auto& row : r.rows) EXPECT_LE(row.val_accuracy, r.rows[r.best].val_accuracy);
  EXPECT_EQ(r.best_W.rows(), 6);
}

}  // namespace
}  // namespace pg::linear
