// The reference solver: it learns a separable problem with every update rule, is deterministic
// for a seed, keeps the best parameters, applies the learning-rate decay, rejects unknown rules,
// and trains any Model, not only the FullyConnectedNet.
#include "backprop/solver.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "backprop/layers.hpp"

namespace pg::backprop {
namespace {

// three well separated clusters in 8 dimensions
void clusters(long n, std::uint64_t seed, Mat& X, IVec& y) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> g;
  std::uniform_int_distribution<int> label(0, 2);
  X.resize(n, 8);
  y.resize(n);
  for (long i = 0; i < n; ++i) {
    y(i) = label(rng);
    for (long d = 0; d < 8; ++d) X(i, d) = g(rng) + (d == y(i) ? 4.0 : 0.0);
  }
}

class solver_rule : public ::testing::TestWithParam<const char*> {};

TEST_P(solver_rule, learns_separable_clusters) {
  Mat X, Xv;
  IVec y, yv;
  clusters(300, 1, X, y);
  clusters(100, 2, Xv, yv);
  FullyConnectedNet net({16}, 8, 3, 1e-3, 0.1, 3);
  SolverConfig c;
  c.update_rule = GetParam();
  c.learning_rate = std::string(GetParam()) == "adam" || std::string(GetParam()) == "rmsprop" ? 1e-2 : 5e-2;
  c.num_epochs = 5;
  c.batch_size = 20;
  c.progress = false;
  TrainingHistory h = train(net, X, y, Xv, yv, c);
  EXPECT_EQ(h.loss_history.size(), 5u * 15u);
  EXPECT_EQ(h.val_acc_history.size(), 5u);
  EXPECT_GT(h.best_val_acc, 0.9);
  EXPECT_LT(h.loss_history.back(), h.loss_history.front());
}

INSTANTIATE_TEST_SUITE_P(rules, solver_rule,
                         ::testing::Values("sgd", "sgd_momentum", "rmsprop", "adam"));

TEST(solver, is_deterministic_for_a_seed_and_keeps_the_best_parameters) {
  Mat X, Xv;
  IVec y, yv;
  clusters(120, 4, X, y);
  clusters(40, 5, Xv, yv);
  SolverConfig c;
  c.update_rule = "adam";
  c.learning_rate = 1e-2;
  c.num_epochs = 4;
  c.batch_size = 16;
  c.progress = false;
  FullyConnectedNet a({10}, 8, 3, 0.0, 0.1, 6), b({10}, 8, 3, 0.0, 0.1, 6);
  TrainingHistory ha = train(a, X, y, Xv, yv, c), hb = train(b, X, y, Xv, yv, c);
  EXPECT_EQ(ha.loss_history, hb.loss_history);
  EXPECT_EQ(ha.best_val_acc,
            *std::max_element(ha.val_acc_history.begin(), ha.val_acc_history.end()));
  EXPECT_EQ(a.params, ha.best_params);
  EXPECT_EQ(ha.loss_history.size(), 4u * 8u);  // 120 rows in batches of 16: 7 full and 1 of 8
}

TEST(solver, a_decay_of_zero_freezes_the_parameters_after_the_first_epoch) {
  Mat X, Xv;
  IVec y, yv;
  clusters(60, 7, X, y);
  clusters(20, 8, Xv, yv);
  SolverConfig c;
  c.learning_rate = 0.1;
  c.lr_decay = 0.0;
  c.batch_size = 10;
  c.progress = false;
  FullyConnectedNet one({6}, 8, 3, 0.0, 0.1, 9), two({6}, 8, 3, 0.0, 0.1, 9);
  c.num_epochs = 1;
  train(one, X, y, Xv, yv, c);
  c.num_epochs = 2;
  train(two, X, y, Xv, yv, c);
  EXPECT_EQ(one.params, two.params);
}

// A Model that is not a FullyConnectedNet: softmax regression, scores = X W + b.
class SoftmaxRegression : public Model {
 public:
  SoftmaxRegression(int input_dim, int num_classes) {
    params["W"] = Mat::Zero(input_dim, num_classes);
    params["b"] = Mat::Zero(1, num_classes);
  }
  Mat scores(const Mat& X) const override {
    return (X * params.at("W")).rowwise() + params.at("b").row(0);
  }
  NetLossGrads loss(const Mat& X, const IVec& y) const override {
    const LossResult r = softmax_loss(scores(X), y);
    return {r.loss, {{"W", X.transpose() * r.dscores}, {"b", r.dscores.colwise().sum()}}};
  }
};

TEST(solver, trains_any_model_with_params_and_a_loss) {
  Mat X, Xv;
  IVec y, yv;
  clusters(300, 11, X, y);
  clusters(100, 12, Xv, yv);
  SoftmaxRegression model(8, 3);
  SolverConfig c;
  c.update_rule = "adam";
  c.learning_rate = 1e-2;
  c.num_epochs = 3;
  c.batch_size = 20;
  c.progress = false;
  const TrainingHistory h = train(model, X, y, Xv, yv, c);
  EXPECT_EQ(model.params, h.best_params);
  EXPECT_GT(h.best_val_acc, 0.9);
  EXPECT_LT(h.loss_history.back(), 0.5 * h.loss_history.front());
}

TEST(solver, rejects_an_unknown_update_rule) {
  Mat X = Mat::Zero(4, 2);
  IVec y = IVec::Zero(4);
  FullyConnectedNet net({}, 2, 2, 0.0, 0.1, 1);
  SolverConfig c;
  c.update_rule = "adagrad";
  try {
    train(net, X, y, X, y, c);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "train: update_rule 'adagrad' must be sgd, sgd_momentum, rmsprop or adam");
  }
}

}  // namespace
}  // namespace pg::backprop
