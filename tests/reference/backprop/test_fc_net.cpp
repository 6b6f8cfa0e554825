// The reference fully-connected net: initialization, the log(C) starting loss, every parameter's
// gradient against numerical gradients at depths 1 to 4, and overfitting a small batch.
#include "backprop/fc_net.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "backprop/optim.hpp"
#include "common/gradcheck.hpp"
#include "support/random.hpp"

namespace pg::backprop {
namespace {

using pg::testing::gaussian;
using pg::testing::labels;

TEST(fully_connected_net, names_and_shapes_its_parameters_with_zero_biases) {
  FullyConnectedNet net({6, 4}, 5, 3, 0.0, 0.1, 1);
  ASSERT_EQ(net.params.size(), 6u);
  EXPECT_EQ(net.params["W1"].rows(), 5);
  EXPECT_EQ(net.params["W1"].cols(), 6);
  EXPECT_EQ(net.params["W3"].cols(), 3);
  EXPECT_EQ(net.params["b2"], Mat::Zero(1, 4));
  EXPECT_EQ(net.scores(gaussian(7, 5, 2)).rows(), 7);
}

TEST(fully_connected_net, starts_near_log_c_with_small_weights) {
  FullyConnectedNet net({20}, 10, 10, 0.0, 1e-3, 3);
  EXPECT_NEAR(net.loss(gaussian(50, 10, 4), labels(50, 10, 5)).loss, std::log(10.0), 1e-3);
}

class fc_net_depth : public ::testing::TestWithParam<std::vector<int>> {};

TEST_P(fc_net_depth, every_gradient_matches_the_numerical_gradient) {
  const Mat X = gaussian(6, 5, 6);
  const IVec y = labels(6, 3, 7);
  for (double reg : {0.0, 0.3}) {
    FullyConnectedNet net(GetParam(), 5, 3, reg, 0.5, 8);
    NetLossGrads lg = net.loss(X, y);
    for (auto& [name, value] : net.params) {
      FullyConnectedNet probe = net;
      auto f = [&](const Mat& v) {
        probe.params[name] = v;
        return probe.loss(X, y).loss;
      };
      EXPECT_LT(rel_error(eval_numerical_gradient(f, value), lg.grads.at(name)), 1e-6)
          << name << " with reg " << reg;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(depths, fc_net_depth,
                         ::testing::Values(std::vector<int>{}, std::vector<int>{7},
                                           std::vector<int>{7, 6}, std::vector<int>{7, 6, 5}));

TEST(fully_connected_net, overfits_fifty_examples_with_adam) {
  const Mat X = gaussian(50, 20, 9);
  const IVec y = labels(50, 10, 10);
  FullyConnectedNet net({100, 100}, 20, 10, 0.0, 0.05, 11);
  std::map<std::string, AdamState> state;
  double first = 0, last = 0;
  for (int it = 0; it < 200; ++it) {
    NetLossGrads lg = net.loss(X, y);
    if (it == 0) first = lg.loss;
    last = lg.loss;
    for (auto& [name, value] : net.params) value = adam(value, lg.grads[name], state[name]);
  }
  EXPECT_GT(first, 1.5);
  EXPECT_LT(last, 0.05);
}

}  // namespace
}  // namespace pg::backprop
