// The reference CNN: the initialization protocol, hand-derived scores through every layer, the
// log(K) starting loss, every parameter's gradient against numerical gradients, the fast path
// against the naive one, the regularization of each weight, the shift test, bad shapes, and a
// short training run by the solver of assignment 3.
#include "conv/cnn.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>

#include "backprop/solver.hpp"
#include "common/gradcheck.hpp"
#include "conv/conv.hpp"
#include "support/random.hpp"

namespace pg::conv {
namespace {

using backprop::NetLossGrads;
using pg::testing::gaussian;
using pg::testing::labels;

// what() of the std::invalid_argument that `call` throws, "" if it throws none
std::string message_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

double max_abs_diff(const Mat& a, const Mat& b) {
  EXPECT_EQ(shape_of(a), shape_of(b));
  return (a - b).cwiseAbs().maxCoeff();
}

// the small net of the gradient checks: 1 x 6 x 6 images, 2 and 3 filters, 5 hidden, 4 classes
ConvNetConfig small(double reg = 0.0, bool fast = false) {
  ConvNetConfig c;
  c.height = c.width = 6;
  c.filters1 = 2;
  c.filters2 = 3;
  c.hidden = 5;
  c.num_classes = 4;
  c.reg = reg;
  c.seed = 1;
  c.fast = fast;
  return c;
}

TEST(conv_net, initializes_every_parameter_by_the_stated_protocol) {
  ConvNetConfig c;
  c.channels = 2;
  c.height = 4;
  c.width = 6;
  c.filters1 = 3;
  c.filters2 = 2;
  c.hidden = 5;
  c.num_classes = 4;
  c.seed = 7;
  const ConvNet net(c);
  // the protocol written out again: layer by layer, W row-major then b, bound 1/sqrt(fan_in)
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  struct Expected {
    std::string layer;
    long rows, cols, fan_in, outputs;
  };
  // W1 (F1, C*9), W2 (F2, F1*9), W3 (F2*(H/2)*(W/2), M), W4 (M, K)
  const Expected layers[] = {{"1", 3, 2 * 9, 2 * 9, 3},
                             {"2", 2, 3 * 9, 3 * 9, 2},
                             {"3", 2 * 2 * 3, 5, 2 * 2 * 3, 5},
                             {"4", 5, 4, 5, 4}};
  ASSERT_EQ(net.params.size(), 8u);
  for (const Expected& e : layers) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(e.fan_in));
    Mat W(e.rows, e.cols), b(1, e.outputs);
    for (Eigen::Index k = 0; k < W.size(); ++k) W.data()[k] = bound * u(rng);
    for (Eigen::Index k = 0; k < b.size(); ++k) b.data()[k] = bound * u(rng);
    EXPECT_EQ(net.params.at("W" + e.layer), W) << "W" << e.layer;
    EXPECT_EQ(net.params.at("b" + e.layer), b) << "b" << e.layer;
    EXPECT_LE(net.params.at("W" + e.layer).cwiseAbs().maxCoeff(), bound);
  }
  // the very first draw, by hand: W1(0, 0) = u / sqrt(18)
  std::mt19937_64 first(7);
  EXPECT_EQ(net.params.at("W1")(0, 0),
            1.0 / std::sqrt(18.0) * std::uniform_real_distribution<double>(-1.0, 1.0)(first));
  EXPECT_EQ(ConvNet(c).params, net.params);
  c.seed = 8;
  EXPECT_NE(ConvNet(c).params.at("W1"), net.params.at("W1"));
}

TEST(conv_net, defaults_are_the_lectures_cnn) {
  const ConvNet net(ConvNetConfig{});
  const std::pair<const char*, std::pair<long, long>> shapes[] = {{"W1", {32, 9}},
                                                                  {"b1", {1, 32}},
                                                                  {"W2", {64, 32 * 9}},
                                                                  {"b2", {1, 64}},
                                                                  {"W3", {64 * 14 * 14, 128}},
                                                                  {"b3", {1, 128}},
                                                                  {"W4", {128, 10}},
                                                                  {"b4", {1, 10}}};
  for (const auto& [name, shape] : shapes) {
    EXPECT_EQ(net.params.at(name).rows(), shape.first) << name;
    EXPECT_EQ(net.params.at(name).cols(), shape.second) << name;
  }
}

TEST(conv_net, scores_have_one_row_of_class_scores_per_image) {
  const ConvNet net(small());
  const Mat s = net.scores(gaussian(3, 36, 2));
  EXPECT_EQ(s.rows(), 3);
  EXPECT_EQ(s.cols(), 4);
}

// One filter per layer that copies a pixel, identity affine layers: the scores are the 2 x 2 max
// pool of channel 1 after the ReLU, in row-major order of the pooled map. Channel 0 is large, so
// that reading the wrong channel, the wrong filter weight or the wrong flattening order shows.
TEST(conv_net, scores_follow_the_layers_and_the_parameter_layout_by_hand) {
  ConvNetConfig c;
  c.channels = 2;
  c.height = c.width = 4;
  c.filters1 = c.filters2 = 1;
  c.hidden = 4;
  c.num_classes = 4;
  ConvNet net(c);
  for (auto& [name, value] : net.params) value.setZero();
  net.params["W1"](0, (1 * 3 + 1) * 3 + 1) = 1;  // w(0, c = 1, k = 1, l = 1): channel 1 as it is
  net.params["W2"](0, (0 * 3 + 1) * 3 + 1) = 1;
  net.params["W3"] = Mat::Identity(4, 4);
  net.params["W4"] = Mat::Identity(4, 4);
  const Mat channel1{{1, -2, 3, 0}, {-4, 2, -1, -1}, {0, 0, -5, 7}, {6, -3, 2, 2}};
  Mat X(1, 32);
  X.leftCols(16).setConstant(100);
  X.rightCols(16) = Eigen::Map<const Mat>(channel1.data(), 1, 16);
  EXPECT_EQ(net.scores(X), (Mat{{2, 3, 6, 7}}));
  // the same with the bias of the last layer: scores + b4
  net.params["b4"] = Mat{{0.5, -0.5, 1, 0}};
  EXPECT_EQ(net.scores(X), (Mat{{2.5, 2.5, 7, 7}}));
}

TEST(conv_net, starts_near_log_k_with_small_inputs) {
  ConvNetConfig c;
  c.height = c.width = 8;
  c.filters1 = 4;
  c.filters2 = 8;
  c.hidden = 64;
  c.seed = 3;
  const ConvNet net(c);
  // PyTorch's initialization keeps the scores within a few tenths of each other
  EXPECT_NEAR(net.loss(0.1 * gaussian(20, 64, 4), labels(20, 10, 5)).loss, std::log(10.0), 0.1);
}

TEST(conv_net, a_zero_last_layer_gives_exactly_log_k_and_no_gradient_below_it) {
  ConvNet net(small());
  net.params["W4"].setZero();
  net.params["b4"].setZero();
  const IVec y{{0, 2, 2}};
  const NetLossGrads lg = net.loss(gaussian(3, 36, 6), y);
  EXPECT_NEAR(lg.loss, std::log(4.0), 1e-15);
  // dscores = (softmax - onehot) / N with a softmax of 1/4 everywhere; db4 sums it over the rows
  EXPECT_TRUE(lg.grads.at("b4").isApprox(Mat{{0.25 - 1.0 / 3, 0.25, 0.25 - 2.0 / 3, 0.25}}, 1e-14));
  for (const char* name : {"W1", "b1", "W2", "b2", "W3", "b3"}) {
    EXPECT_EQ(lg.grads.at(name), Mat::Zero(lg.grads.at(name).rows(), lg.grads.at(name).cols()))
        << name;
  }
}

class conv_net_path : public ::testing::TestWithParam<bool> {};

TEST_P(conv_net_path, every_gradient_matches_the_numerical_gradient) {
  const Mat X = gaussian(3, 36, 6);
  const IVec y = labels(3, 4, 7);
  for (double reg : {0.0, 0.1}) {
    const ConvNet net(small(reg, GetParam()));
    const NetLossGrads lg = net.loss(X, y);
    ASSERT_EQ(lg.grads.size(), net.params.size());
    for (const auto& [name, value] : net.params) {
      ASSERT_EQ(lg.grads.at(name).rows(), value.rows()) << name;
      ASSERT_EQ(lg.grads.at(name).cols(), value.cols()) << name;
      ConvNet probe = net;
      auto f = [&](const Mat& v) {
        probe.params[name] = v;
        return probe.loss(X, y).loss;
      };
      EXPECT_LT(rel_error(eval_numerical_gradient(f, value), lg.grads.at(name)), 1e-6)
          << name << " with reg " << reg;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(naive_and_fast, conv_net_path, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& p) {
                           return p.param ? "fast" : "naive";
                         });

TEST(conv_net, fast_layers_give_the_naive_results) {
  ConvNetConfig c = small(0.05);
  c.channels = 3;
  c.filters1 = 4;
  const Mat X = gaussian(5, 3 * 36, 8);
  const IVec y = labels(5, 4, 9);
  const ConvNet naive(c);
  c.fast = true;
  const ConvNet fast(c);
  EXPECT_LT(max_abs_diff(naive.scores(X), fast.scores(X)), 1e-12);
  const NetLossGrads a = naive.loss(X, y), b = fast.loss(X, y);
  EXPECT_NEAR(a.loss, b.loss, 1e-12);
  for (const auto& [name, grad] : a.grads) {
    EXPECT_LT(max_abs_diff(grad, b.grads.at(name)), 1e-12) << name;
  }
}

// A weight left out of the regularization passes the gradient check (loss and gradient agree
// without it); this test does not: each W_i must add reg * sum(W_i^2) and 2 * reg * W_i.
TEST(conv_net, regularizes_every_weight_and_no_bias) {
  const Mat X = gaussian(3, 36, 10);
  const IVec y = labels(3, 4, 11);
  const double reg = 0.1;
  const ConvNet plain(small(0.0)), regularized(small(reg));
  const NetLossGrads a = plain.loss(X, y), b = regularized.loss(X, y);
  double penalty = 0;
  for (const char* w : {"W1", "W2", "W3", "W4"}) {
    const Mat& W = plain.params.at(w);
    penalty += reg * W.squaredNorm();
    EXPECT_LT(max_abs_diff(b.grads.at(w) - a.grads.at(w), 2 * reg * W), 1e-12) << w;
  }
  EXPECT_NEAR(b.loss - a.loss, penalty, 1e-12);
  for (const char* bias : {"b1", "b2", "b3", "b4"}) {
    EXPECT_EQ(b.grads.at(bias), a.grads.at(bias)) << bias;
  }
}

// A fixed model for the shift test: 2 x 3 images, class k scores the sum of column k.
class ColumnSums : public backprop::Model {
 public:
  Mat scores(const Mat& X) const override { return X.leftCols(3) + X.rightCols(3); }
  NetLossGrads loss(const Mat&, const IVec&) const override { return {0.0, {}}; }
};

TEST(evaluate_on_shift, counts_the_shifted_images_a_fixed_model_gets_right) {
  // six images, each with one bright column: 0, 1, 2, 1, 1, 2
  const Mat X{{1, 0, 0, 1, 0, 0}, {0, 1, 0, 0, 1, 0}, {0, 0, 1, 0, 0, 1},
              {0, 1, 0, 0, 1, 0}, {0, 1, 0, 0, 1, 0}, {0, 0, 1, 0, 0, 1}};
  const IVec y{{1, 2, 1, 1, 2, 2}};
  const ColumnSums model;
  // s = 0: predicted 0, 1, 2, 1, 1, 2: the fourth and the sixth right
  EXPECT_DOUBLE_EQ(evaluate_on_shift(model, X, y, 0, 2, 3), 2.0 / 6);
  // s = 1: the bright columns move right to 1, 2, out, 2, 2, out; a blank image scores 0 for
  // every class and is predicted 0, the first: the first, second and fifth right
  EXPECT_DOUBLE_EQ(evaluate_on_shift(model, X, y, 1, 2, 3), 3.0 / 6);
  // s = -1: out, 0, 1, 0, 0, 1: the third right
  EXPECT_DOUBLE_EQ(evaluate_on_shift(model, X, y, -1, 2, 3), 1.0 / 6);
  // s = 3: every image blank, every prediction 0, no label 0
  EXPECT_EQ(evaluate_on_shift(model, X, y, 3, 2, 3), 0.0);
}

// More rows than one batch of the reference (250), so that the batches join up.
TEST(evaluate_on_shift, is_the_accuracy_on_images_shifted_one_by_one) {
  const ConvNet net(small());
  const Mat X = gaussian(601, 36, 12);
  const IVec y = labels(601, 4, 13);
  EXPECT_EQ(evaluate_on_shift(net, X, y, 0, 6, 6), backprop::accuracy(net, X, y));
  Mat shifted(X.rows(), X.cols());
  for (Eigen::Index n = 0; n < X.rows(); ++n) {
    const Eigen::Map<const Mat> image(X.row(n).data(), 6, 6);
    Eigen::Map<Mat>(shifted.row(n).data(), 6, 6) = shift_image(image, -2);
  }
  EXPECT_EQ(evaluate_on_shift(net, X, y, -2, 6, 6), backprop::accuracy(net, shifted, y));
  EXPECT_NE(shifted, X);
}

TEST(conv_net, rejects_bad_sizes_and_shapes_with_messages_that_name_them) {
  ConvNetConfig c = small();
  c.height = 7;
  EXPECT_EQ(message_of([&] { ConvNet{c}; }),
            "ConvNet: height and width must be even (the 2 x 2 pool halves them), got 7 x 6");
  c = small();
  c.filters1 = 0;
  EXPECT_EQ(message_of([&] { ConvNet{c}; }), "ConvNet: filters1 must be at least 1, got 0");
  c = small();
  c.num_classes = -1;
  EXPECT_EQ(message_of([&] { ConvNet{c}; }), "ConvNet: num_classes must be at least 1, got -1");
  c = small();
  c.reg = -0.5;
  EXPECT_EQ(message_of([&] { ConvNet{c}; }), "ConvNet: reg must be >= 0");

  const ConvNet net(small());
  const Mat X = gaussian(2, 35, 14);
  EXPECT_EQ(message_of([&] { net.scores(X); }),
            "scores: X has shape (2, 35) but the net takes images of C x H x W = 1 x 6 x 6 = 36 "
            "columns");
  EXPECT_EQ(message_of([&] { net.loss(X, IVec::Zero(2)); }),
            "loss: X has shape (2, 35) but the net takes images of C x H x W = 1 x 6 x 6 = 36 "
            "columns");
  EXPECT_EQ(message_of([&] { evaluate_on_shift(net, X, IVec::Zero(2), 1, 6, 6); }),
            "evaluate_on_shift: X has shape (2, 35) but images of 6 x 6 need 36 columns");
  EXPECT_EQ(
      message_of([&] { evaluate_on_shift(net, gaussian(2, 36, 15), IVec::Zero(3), 1, 6, 6); }),
      "evaluate_on_shift: X has shape (2, 36) and y has 3 labels");
  // the defaults are Fashion-MNIST's 28 x 28
  EXPECT_EQ(message_of([&] { evaluate_on_shift(net, gaussian(2, 36, 15), IVec::Zero(2), 1); }),
            "evaluate_on_shift: X has shape (2, 36) but images of 28 x 28 need 784 columns");
}

// n 12 x 12 images of a bar of 6 pixels at a random place on faint noise, its class its direction:
// horizontal, vertical, diagonal, antidiagonal (a conv net sees it anywhere, and learns it in a few
// epochs: best validation accuracy 0.87 to 1 for the net and solver seeds 0 to 5)
void bars(long n, std::uint64_t seed, Mat& X, IVec& y) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0.0, 0.1);
  std::uniform_int_distribution<int> label(0, 3), place(0, 6);
  X.resize(n, 144);
  y.resize(n);
  for (long i = 0; i < n; ++i) {
    for (long p = 0; p < 144; ++p) X(i, p) = noise(rng);
    y(i) = label(rng);
    const int row = place(rng), col = place(rng);
    for (int t = 0; t < 6; ++t) {
      const int r = y(i) == 0 ? row : row + t;
      const int c = y(i) == 1 ? col : y(i) == 3 ? col + 5 - t : col + t;
      X(i, r * 12 + c) = 1.0;
    }
  }
}

TEST(conv_net, the_solver_trains_it_with_adam) {
  Mat X, Xv;
  IVec y, yv;
  bars(200, 16, X, y);
  bars(100, 17, Xv, yv);
  ConvNetConfig c;
  c.height = c.width = 12;
  c.filters1 = 4;
  c.filters2 = 8;
  c.hidden = 16;
  c.num_classes = 4;
  ConvNet net(c);
  backprop::SolverConfig s;
  s.update_rule = "adam";
  s.learning_rate = 1e-2;
  s.num_epochs = 5;
  s.batch_size = 10;
  s.progress = false;
  const backprop::TrainingHistory h = backprop::train(net, X, y, Xv, yv, s);
  ASSERT_EQ(h.loss_history.size(), 5u * 20u);
  double first = 0, last = 0;  // the mean loss of the first and of the last epoch
  for (int b = 0; b < 20; ++b) {
    first += h.loss_history[b] / 20;
    last += h.loss_history[80 + b] / 20;
  }
  EXPECT_LT(last, 0.5 * first);
  EXPECT_GT(h.best_val_acc, 0.8);
}

}  // namespace
}  // namespace pg::conv
