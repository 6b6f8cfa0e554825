// The numbers the grader derives itself from a runner's outputs (CaseDef::derive): the accuracy a
// threshold test judges must come from the grader's own arithmetic on data the runner never saw.
// Also the inputs of the arguments that make a usual mistake show (copies, near ties, whole
// numbers, tiny gradients, the rows a training accuracy is measured on).
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "cases.hpp"

namespace pg::grader {
namespace {

using wire::Bundle;

const CaseDef& case_named(const std::string& name) {
  const CaseDef* c = all_cases().find(name);
  if (c == nullptr) throw std::runtime_error("no case " + name);
  return *c;
}

// Four test rows in 2 dimensions, classes 0..2; a net 2 -> 2 -> 3 whose hidden ReLU keeps x0 and
// x1 apart: class scores (x0, x1, -x0) after the ReLU. Row 3 is all zeros: a three-way tie.
Bundle test_rows() {
  Bundle in;
  Mat X(4, 2);
  X << 2, 1,   // scores (2, 1, 0): class 0
      0, 3,    // (0, 3, 0): class 1
      -1, -1,  // hidden (0, 0): scores (0, 0, 0), ties to class 0
      1, 5;    // (1, 5, -1): class 1
  IVec y(4);
  y << 0, 1, 2, 0;  // two right (rows 0 and 1)
  in.put("X_test", X);
  in.put("y_test", y);
  return in;
}

Bundle two_layer_net() {
  Bundle out;
  out.put("W1", Mat(Mat::Identity(2, 2)));
  out.put("b1", Mat(Mat::Zero(1, 2)));
  Mat W2(2, 3);
  W2 << 1, 0, -1,  //
      0, 1, 0;
  out.put("W2", W2);
  out.put("b2", Mat(Mat::Zero(1, 3)));
  return out;
}

TEST(derive, test_accuracy_runs_the_returned_net_on_the_graders_rows) {
  const CaseDef& c = case_named("backprop.solver_train");
  ASSERT_TRUE(c.derive);
  EXPECT_EQ(c.private_inputs, (std::vector<std::string>{"X_test", "y_test"}));
  Bundle out = two_layer_net();
  c.derive(test_rows(), out);
  ASSERT_TRUE(out.has("test_accuracy"));
  EXPECT_DOUBLE_EQ(out.real("test_accuracy"), 0.5);
}

TEST(derive, the_bias_and_the_relu_count) {
  const CaseDef& c = case_named("backprop.solver_train");
  Bundle out = two_layer_net();
  Mat b2(1, 3);
  b2 << 0, 0, 10;  // class 2 wins every row: only row 2 is right
  out.put("b2", b2);
  c.derive(test_rows(), out);
  EXPECT_DOUBLE_EQ(out.real("test_accuracy"), 0.25);

  Bundle linear = two_layer_net();
  Mat b1(1, 2);
  b1 << -100, 0;  // the ReLU zeroes x0 everywhere: scores (0, x1, 0); rows 1, 3 class 1, row 0 too
  linear.put("b1", b1);
  c.derive(test_rows(), linear);
  EXPECT_DOUBLE_EQ(linear.real("test_accuracy"), 0.25);
}

TEST(derive, parameters_that_do_not_chain_up_give_no_accuracy) {
  const CaseDef& c = case_named("backprop.solver_train");
  Bundle wrong_shape = two_layer_net();
  wrong_shape.put("W2", Mat(Mat::Zero(3, 3)));
  c.derive(test_rows(), wrong_shape);
  EXPECT_FALSE(wrong_shape.has("test_accuracy"));

  Bundle missing_bias = two_layer_net();
  Bundle only_weights;
  only_weights.put("W1", missing_bias.mat("W1"));
  c.derive(test_rows(), only_weights);
  EXPECT_FALSE(only_weights.has("test_accuracy"));

  Bundle not_a_matrix = two_layer_net();
  not_a_matrix.put("W1", 1.0);
  c.derive(test_rows(), not_a_matrix);
  EXPECT_FALSE(not_a_matrix.has("test_accuracy"));
}

TEST(derive, non_finite_scores_count_as_wrong) {
  const CaseDef& c = case_named("backprop.solver_train");
  Bundle out = two_layer_net();
  Mat W1 = Mat::Identity(2, 2);
  W1(0, 0) = std::numeric_limits<double>::quiet_NaN();
  out.put("W1", W1);
  c.derive(test_rows(), out);
  EXPECT_DOUBLE_EQ(out.real("test_accuracy"), 0.0);
}

TEST(derive, no_test_rows_no_accuracy) {
  const CaseDef& c = case_named("backprop.solver_train");
  Bundle out = two_layer_net();
  c.derive(Bundle{}, out);
  EXPECT_FALSE(out.has("test_accuracy"));
}

TEST(derive, linear_val_accuracy_uses_the_returned_weights) {
  const CaseDef& c = case_named("linear.train");
  ASSERT_TRUE(c.derive);
  Bundle in;
  Mat X(3, 2);
  X << 1, 0, 0, 1, 1, 1;  // scores = X W with W = I: (1, 0), (0, 1), (1, 1) tie -> class 0
  IVec y(3);
  y << 0, 1, 1;
  in.put("X_val", X);
  in.put("y_val", y);
  Bundle out;
  out.put("W", Mat(Mat::Identity(2, 2)));
  c.derive(in, out);
  EXPECT_NEAR(out.real("val_accuracy"), 2.0 / 3.0, 1e-15);
}

// no data set: these cases must not ask for one
class NoData : public DataSource {
 public:
  void fashion_mnist(long, long, Mat&, IVec&, Mat&, IVec&) override {
    throw std::runtime_error("no data set in this test");
  }
};

// a case's inputs for its default arguments with `changed` replaced
Bundle inputs_of(const std::string& name, const Args& changed, std::uint64_t seed) {
  const CaseDef& c = case_named(name);
  Args a;
  for (const auto& [arg, def] : c.args) a[arg] = def.default_value;
  for (const auto& [arg, value] : changed) a[arg] = value;
  NoData data;
  return c.make_inputs(a, seed, data);
}

TEST(case_inputs, test_copies_put_training_rows_in_the_first_test_rows) {
  Bundle in = inputs_of("knn.distances_no_loops",
                        {{"num_train", std::int64_t{30}}, {"num_test", std::int64_t{12}},
                         {"dim", std::int64_t{20}}, {"test_copies", std::int64_t{10}}},
                        150);
  const Mat& train = in.mat("X_train");
  const Mat& test = in.mat("X_test");
  for (Eigen::Index i = 0; i < 10; ++i) EXPECT_EQ(test.row(i), train.row(i)) << "row " << i;
  EXPECT_NE(test.row(10), train.row(10));
  EXPECT_THROW(inputs_of("knn.distances_no_loops",
                         {{"num_test", std::int64_t{3}}, {"test_copies", std::int64_t{4}}}, 1),
               std::invalid_argument);
}

TEST(case_inputs, near_ties_differ_from_whole_numbers_by_less_than_1e_12) {
  Bundle in = inputs_of("knn.predict_labels",
                        {{"num_train", std::int64_t{30}}, {"num_test", std::int64_t{40}},
                         {"near_ties", true}},
                        17);
  const Mat& d = in.mat("dists");
  Eigen::Index whole = 0;
  for (Eigen::Index i = 0; i < d.size(); ++i) {
    const double v = d.data()[i], below = std::floor(v);
    EXPECT_GE(below, 0);
    EXPECT_LE(below, 3);
    EXPECT_LT(v - below, 1e-12);
    whole += v == below;
  }
  EXPECT_LT(whole, d.size() / 100);  // next to no distance is a whole number itself
}

TEST(case_inputs, integers_give_whole_number_scores) {
  Bundle in = inputs_of("linear.svm_loss_naive",
                        {{"num_examples", std::int64_t{20}}, {"dim", std::int64_t{6}},
                         {"num_classes", std::int64_t{4}}, {"weight_scale", 1.0},
                         {"integers", true}},
                        25);
  const Mat scores = in.mat("X") * in.mat("W");
  EXPECT_EQ(scores, scores.array().round().matrix());
  EXPECT_TRUE((in.mat("X").col(5).array() == 1.0).all());  // the bias column
}

TEST(case_inputs, grad_scale_scales_the_gradients_and_nothing_else) {
  Bundle small = inputs_of("backprop.adam", {{"grad_scale", 1e-8}}, 38);
  Bundle unit = inputs_of("backprop.adam", {}, 38);
  EXPECT_EQ(small.mat("w"), unit.mat("w"));
  EXPECT_TRUE(small.mat("grads").isApprox(1e-8 * unit.mat("grads"), 1e-15));
}

TEST(case_inputs, num_train_samples_reaches_the_runner) {
  Bundle in = inputs_of("backprop.solver_train", {{"num_train_samples", std::int64_t{15}}}, 39);
  EXPECT_EQ(in.integer("num_train_samples"), 15);
  EXPECT_THROW(inputs_of("backprop.solver_train", {{"num_train_samples", std::int64_t{0}}}, 39),
               std::invalid_argument);
}

}  // namespace
}  // namespace pg::grader
