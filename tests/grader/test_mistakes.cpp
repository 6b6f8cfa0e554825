// The cases' usual mistakes (cases/mistakes.hpp): each explanation, given the inputs and a
// submission's output made by that mistake, names it; given the right output, or another wrong
// one, it says nothing. The end-to-end samples show the same in docs/feedback.md.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "cases/mistakes.hpp"
#include "support/random.hpp"

namespace pg::grader {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using wire::Bundle;

Bundle one(const std::string& name, wire::Value v) {
  Bundle b;
  b.put(name, std::move(v));
  return b;
}

// 3 test rows and 5 training rows in 4 dimensions
Bundle distance_inputs() {
  Bundle in;
  in.put("X_train", pg::testing::gaussian(5, 4, 1));
  in.put("X_test", pg::testing::gaussian(3, 4, 2));
  return in;
}

Mat distances(const Bundle& in, double p) {
  const Mat& train = in.mat("X_train");
  const Mat& test = in.mat("X_test");
  Mat d(test.rows(), train.rows());
  for (Eigen::Index i = 0; i < d.rows(); ++i) {
    for (Eigen::Index j = 0; j < d.cols(); ++j) {
      const auto diff = (test.row(i) - train.row(j)).array();
      d(i, j) = p == 1 ? diff.abs().sum() : std::sqrt(diff.square().sum());
    }
  }
  return d;
}

TEST(mistakes, distances_of_the_other_metric_or_without_the_absolute_value) {
  const Bundle in = distance_inputs();
  const Mat l1 = distances(in, 1), l2 = distances(in, 2);
  EXPECT_THAT(mistakes::distances_l1(in, "dists", one("dists", l1), one("dists", l2)),
              StartsWith("your dists are Euclidean (L2) distances"));
  EXPECT_THAT(mistakes::distances_l2(in, "dists", one("dists", l2), one("dists", l1)),
              StartsWith("your dists are Manhattan (L1) distances"));
  EXPECT_THAT(
      mistakes::distances_l2(in, "dists", one("dists", l2), one("dists", Mat(l2.array().square()))),
      StartsWith("your dists are squared distances"));
  const Mat& train = in.mat("X_train");
  const Mat& test = in.mat("X_test");
  Mat signed_sum(3, 5);
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 5; ++j) signed_sum(i, j) = (train.row(j) - test.row(i)).sum();
  }
  EXPECT_THAT(mistakes::distances_l1(in, "dists", one("dists", l1), one("dists", signed_sum)),
              StartsWith("your dists are Σ(b - a), without the absolute value"));
  // the right answer, or a wrong one no mistake explains
  EXPECT_EQ(mistakes::distances_l1(in, "dists", one("dists", l1), one("dists", l1)), "");
  EXPECT_EQ(mistakes::distances_l1(in, "dists", one("dists", l1), one("dists", Mat(l1 * 1.5))), "");
  // an expected value the grader cannot reproduce (another convention): no claim at all
  EXPECT_EQ(mistakes::distances_l1(in, "dists", one("dists", Mat(l1 * 2)), one("dists", l2)), "");
}

TEST(mistakes, cross_validation_folds_with_the_remainder_in_the_last_one) {
  Bundle in;
  in.put("X", Mat(Mat::Zero(13, 2)));
  in.put("num_folds", std::int64_t{3});
  in.put("ks", IVec(IVec::Constant(1, 1)));
  // array_split: folds of 5, 4, 4 rows; the mistake: 4, 4, 5
  const Mat want{{3.0 / 5, 2.0 / 4, 1.0 / 4}};
  const Mat got{{2.0 / 4, 3.0 / 4, 2.0 / 5}};
  EXPECT_EQ(
      mistakes::cross_validate(in, "accuracies", one("accuracies", want), one("accuracies", got)),
      "your accuracies fit folds of 4, 4, 5 rows (the rows left over in the last fold), not "
      "5, 4, 4: split as numpy.array_split does, the first N % F = 1 folds one row longer");
  EXPECT_THAT(mistakes::cross_validate(in, "accuracies", one("accuracies", want),
                                       one("accuracies", Mat(Mat::Zero(1, 3)))),
              StartsWith("every accuracy is 0"));
}

TEST(mistakes, best_k_on_a_tie_in_the_rows_right) {
  // 20 rows in 2 folds of 10: k = 1 and k = 3 get 12 rows right, k = 5 gets 8
  Bundle in;
  IVec ks(3);
  ks << 1, 3, 5;
  in.put("ks", ks);
  in.put("X", Mat(Mat::Zero(20, 2)));
  in.put("num_folds", std::int64_t{2});
  Bundle expected;
  expected.put("accuracies", Mat{{0.5, 0.7}, {0.7, 0.5}, {0.4, 0.4}});
  expected.put("best_k", std::int64_t{1});
  Bundle got = expected;
  got.put("best_k", std::int64_t{3});
  EXPECT_EQ(mistakes::cross_validate(in, "best_k", expected, got),
            "your best_k gets as many validation rows right over all folds (12) as the expected "
            "one: on a tie the smallest k wins. Compare the integer counts, not mean accuracies, "
            "whose last bit depends on the order of the sum");
  got.put("best_k", std::int64_t{5});
  EXPECT_THAT(mistakes::cross_validate(in, "best_k", expected, got),
              StartsWith("your best_k is not the k with the most validation rows predicted right"));
}

TEST(mistakes, knn_ties_in_the_vote_and_at_the_kth_distance) {
  Bundle in;
  in.put("dists", Mat{{1, 2, 3, 4}, {1, 2, 2, 5}, {1, 1, 1, 1}});
  IVec y(4);
  y << 0, 1, 0, 1;
  in.put("y_train", y);
  in.put("k", std::int64_t{2});
  const mistakes::Ties t = mistakes::knn_vote_ties(in);
  const std::vector<std::string>& rules = t.at("y_pred");
  EXPECT_EQ(rules[0], "a tied vote goes to the smallest label");  // labels 0 and 1, one each
  EXPECT_EQ(rules[1],
            "among equal distances the lower training index comes first (a stable sort)\n"
            "a tied vote goes to the smallest label");
  EXPECT_THAT(rules[2], HasSubstr("among equal distances"));
}

TEST(mistakes, knn_votes_that_ignore_labels_of_ten_or_more_or_use_k_plus_one) {
  Bundle in;
  in.put("dists", Mat{{1, 2, 3, 4, 5}, {5, 4, 3, 2, 1}});
  IVec y(5);
  y << 12, 12, 3, 3, 3;
  in.put("y_train", y);
  in.put("k", std::int64_t{2});
  IVec want(2), below_ten(2), three(2);
  want << 12, 3;
  below_ten << 0, 3;  // no label below 10 among the two nearest of row 0: label 0 wins
  EXPECT_THAT(mistakes::predict_labels(in, "y_pred", one("y_pred", want), one("y_pred", below_ten)),
              StartsWith("your vote never lets a label of 10 or more win"));
  // k = 4: row 0 votes 12, 12, 3, 3, a tie the smaller label 3 wins; row 1 votes 3, 3, 3, 12
  in.put("k", std::int64_t{4});
  want << 3, 3;
  EXPECT_EQ(mistakes::predict_labels(in, "y_pred", one("y_pred", want), one("y_pred", want)), "");
  // an expected answer that is not the reference's rule: no claim
  three << 12, 3;
  EXPECT_EQ(mistakes::predict_labels(in, "y_pred", one("y_pred", three), one("y_pred", want)), "");
}

TEST(mistakes, the_svm_counting_margins_of_zero_or_without_its_hinge) {
  Bundle in;
  in.put("W", Mat{{1.0, 0.0, 0.0}, {0.0, 1.0, -1.0}});
  in.put("X", Mat{{1.0, 1.0}, {0.0, 2.0}, {-1.0, 0.5}});
  IVec y(3);
  y << 0, 1, 2;
  in.put("y", y);
  in.put("reg", 0.0);
  // scores (1, 1, -1), (0, 2, -2), (-1, 0.5, -0.5): negative margins in rows 0 and 1, which
  // only a loss without its hinge counts
  const auto dw = [&](bool hinge) {
    Mat m = Mat::Zero(3, 3);
    const Mat s = in.mat("X") * in.mat("W");
    double loss = 0;
    for (int i = 0; i < 3; ++i) {
      for (int j = 0; j < 3; ++j) {
        const double margin = s(i, j) - s(i, y(i)) + 1;
        if (j == y(i) || (hinge && margin <= 0)) continue;
        loss += margin;
        m(i, j) += 1;
        m(i, y(i)) -= 1;
      }
    }
    Bundle b;
    b.put("loss", loss / 3);
    b.put("dW", Mat(in.mat("X").transpose() * m / 3));
    return b;
  };
  EXPECT_THAT(mistakes::svm_loss(in, "loss", dw(true), dw(false)),
              StartsWith("your loss has no max(0, ·)"));
  EXPECT_THAT(mistakes::svm_loss(in, "dW", dw(true), dw(false)),
              StartsWith("your dW has no max(0, ·)"));
  EXPECT_EQ(mistakes::svm_loss(in, "dW", dw(true), dw(true)), "");
}

TEST(mistakes, variants_change_one_argument_and_say_what_it_means) {
  Bundle in;
  in.put("kind", std::string("svm"));
  EXPECT_THAT(mistakes::other_kind(in), HasSubstr("for kind = softmax"));
  EXPECT_EQ(in.text("kind"), "softmax");
  in.put("lr_decay", 1.0);
  EXPECT_EQ(mistakes::no_lr_decay(in), "");
  in.put("lr_decay", 0.5);
  EXPECT_THAT(mistakes::no_lr_decay(in), HasSubstr("lr_decay = 1"));
  EXPECT_EQ(in.real("lr_decay"), 1.0);
  in.put("X", Mat(Mat::Zero(40, 2)));
  in.put("num_train_samples", std::int64_t{15});
  EXPECT_THAT(mistakes::every_row_for_train_accuracy(in), HasSubstr("covers every row"));
  EXPECT_EQ(in.integer("num_train_samples"), 40);
  EXPECT_EQ(mistakes::every_row_for_train_accuracy(in), "");
  in.put("metric", std::string("l2"));
  EXPECT_THAT(mistakes::other_metric(in), HasSubstr("metric = l1"));
}

TEST(mistakes, update_rules_a_flipped_step_and_adam_without_bias_correction) {
  Bundle in;
  in.put("w", pg::testing::gaussian(2, 3, 3));
  in.put("grads", pg::testing::gaussian(6, 3, 4));
  in.put("steps", std::int64_t{3});
  in.put("learning_rate", 1e-2);
  // momentum 0.9, the handout's rule and the same with the sign of the gradient term flipped
  const auto momentum = [&](double sign) {
    Mat w = in.mat("w"), v = Mat::Zero(2, 3), path(6, 3);
    for (int t = 0; t < 3; ++t) {
      v = 0.9 * v - sign * 1e-2 * in.mat("grads").middleRows(2 * t, 2);
      w += v;
      path.middleRows(2 * t, 2) = w;
    }
    return path;
  };
  EXPECT_THAT(mistakes::update_rule("sgd_momentum", in, "w_after_each_step",
                                    one("w_after_each_step", momentum(1)),
                                    one("w_after_each_step", momentum(-1))),
              StartsWith("every step your sgd_momentum takes goes the opposite way"));
  const auto adam = [&](bool corrected) {
    Mat w = in.mat("w"), m = Mat::Zero(2, 3), v = m, path(6, 3);
    for (int t = 1; t <= 3; ++t) {
      const Mat g = in.mat("grads").middleRows(2 * (t - 1), 2);
      m = 0.9 * m + 0.1 * g;
      v = 0.999 * v + 0.001 * g.cwiseProduct(g);
      const double c1 = corrected ? 1 - std::pow(0.9, t) : 1,
                   c2 = corrected ? 1 - std::pow(0.999, t) : 1;
      w = w.array() - 1e-2 * (m.array() / c1) / ((v.array() / c2).sqrt() + 1e-8);
      path.middleRows(2 * (t - 1), 2) = w;
    }
    return path;
  };
  EXPECT_THAT(
      mistakes::update_rule("adam", in, "w_after_each_step", one("w_after_each_step", adam(true)),
                            one("w_after_each_step", adam(false))),
      StartsWith("your adam leaves out the bias correction"));
}

TEST(mistakes, relu_backward_without_its_mask) {
  Bundle in;
  in.put("x", Mat{{1.0, -2.0, 0.0}, {-0.5, 3.0, 2.0}});
  in.put("dout", Mat{{0.1, 0.2, 0.3}, {0.4, 0.5, 0.6}});
  const Mat right{{0.1, 0.0, 0.0}, {0.0, 0.5, 0.6}};
  EXPECT_THAT(mistakes::relu(in, "dx", one("dx", right), one("dx", in.mat("dout"))),
              StartsWith("your dx is dout everywhere"));
  const Mat at_zero{{0.1, 0.0, 0.3}, {0.0, 0.5, 0.6}};
  EXPECT_THAT(mistakes::relu(in, "dx", one("dx", right), one("dx", at_zero)),
              StartsWith("your dx passes the gradient where x = 0 too"));
}

TEST(mistakes, a_circuits_gradient_without_the_upstream_gradient) {
  Bundle in;
  in.put("dout", -1.5);
  Bundle want, got;
  want.put("dx", -1.5 * -2.0);
  got.put("dx", -2.0);
  EXPECT_THAT(mistakes::upstream(in, "dx", want, got),
              StartsWith("your dx leaves out the upstream gradient dout"));
  EXPECT_EQ(mistakes::upstream(in, "out", want, got), "");
  in.put("dout", 1.0);  // then the mistake changes nothing
  EXPECT_EQ(mistakes::upstream(in, "dx", want, got), "");
}

TEST(mistakes, the_svm_loss_counting_the_correct_class) {
  EXPECT_THAT(mistakes::svm_loss(Bundle{}, "loss", one("loss", 2.5), one("loss", 3.5)),
              HasSubstr("counts the correct class too"));
  EXPECT_EQ(mistakes::svm_loss(Bundle{}, "loss", one("loss", 2.5), one("loss", 3.4)), "");
}

TEST(mistakes, the_solver_right_through_epoch_one_then_wrong) {
  Bundle in;
  in.put("X", Mat(Mat::Zero(50, 2)));
  in.put("batch_size", std::int64_t{7});
  in.put("lr_decay", 0.5);
  Mat want = Eigen::RowVectorXd::LinSpaced(32, 2.0, 1.0);
  Mat got = want;
  got.rightCols(23).array() -= 0.1;  // entries 9..31: epoch 2 (8 batches) starts at 8
  EXPECT_THAT(
      mistakes::solver(in, "loss_history", one("loss_history", want), one("loss_history", got)),
      HasSubstr("is the learning rate multiplied by lr_decay after each epoch?"));
  got = want;
  got.rightCols(31).array() += 0.1;
  EXPECT_THAT(
      mistakes::solver(in, "loss_history", one("loss_history", want), one("loss_history", got)),
      StartsWith("your loss_history is right before the first update"));
}

}  // namespace
}  // namespace pg::grader
