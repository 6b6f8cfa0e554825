// Saving and loading a FullyConnectedNet (backprop/net_io.hpp): the loaded net is the saved one,
// and a file that holds something else is a WeightsError that says what.
#include "backprop/net_io.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "common/weights.hpp"
#include "support/temp_dir.hpp"

namespace pg::backprop {
namespace {

using ::testing::HasSubstr;
using pg::testing::TempDir;

std::string load_error(const std::filesystem::path& p) {
  try {
    load_net(p);
  } catch (const WeightsError& e) {
    return e.what();
  }
  return "";
}

TEST(net_io, a_saved_net_loads_with_the_same_sizes_parameters_and_scores) {
  TempDir dir;
  for (const std::vector<int>& hidden : {std::vector<int>{}, {7}, {6, 5, 4}}) {
    FullyConnectedNet net(hidden, 9, 3, 0.25, 0.3, 11);
    for (auto& [name, value] : net.params) value.array() += 0.01;  // biases not zero
    save_net(dir / "net.pgw", net);
    const FullyConnectedNet back = load_net(dir / "net.pgw");
    EXPECT_EQ(back.num_layers(), net.num_layers());
    EXPECT_EQ(back.reg(), 0.25);
    ASSERT_EQ(back.params.size(), net.params.size());
    for (const auto& [name, value] : net.params) {
      EXPECT_TRUE(back.params.at(name) == value) << name << " is not bit-for-bit the same";
    }
    std::mt19937_64 rng(3);
    std::normal_distribution<double> normal;
    Mat X(4, 9);
    for (Eigen::Index i = 0; i < X.size(); ++i) X.data()[i] = normal(rng);
    EXPECT_TRUE(back.scores(X) == net.scores(X));
  }
}

TEST(net_io, the_file_says_what_it_holds) {
  TempDir dir;
  save_net(dir / "net.pgw", FullyConnectedNet({128, 64}, 784, 10, 0.0, 0.05, 0));
  const Weights w = load_weights(dir / "net.pgw");
  EXPECT_EQ(w.metadata.at("model"), "fc_net");
  EXPECT_EQ(w.metadata.at("hidden_dims"), "128,64");
  EXPECT_EQ(w.metadata.at("input_dim"), "784");
  EXPECT_EQ(w.metadata.at("num_classes"), "10");
  EXPECT_EQ(w.tensors.at("W2").shape, (std::vector<std::int64_t>{128, 64}));
  EXPECT_EQ(w.tensors.at("b3").shape, (std::vector<std::int64_t>{1, 10}));
}

TEST(net_io, another_model_is_refused) {
  TempDir dir;
  Weights w;
  w.metadata["model"] = "cnn";
  w.tensors["W1"] = tensor_of(Mat::Zero(2, 2));
  save_weights(dir / "cnn.pgw", w);
  EXPECT_THAT(load_error(dir / "cnn.pgw"), HasSubstr("holds a 'cnn' model, not an fc_net"));
}

TEST(net_io, tensors_that_do_not_fit_the_metadata_are_refused) {
  TempDir dir;
  save_net(dir / "net.pgw", FullyConnectedNet({5}, 4, 3, 0.0, 0.1, 0));
  Weights w = load_weights(dir / "net.pgw");

  Weights wrong_shape = w;
  wrong_shape.tensors["W2"] = tensor_of(Mat::Zero(4, 3));
  save_weights(dir / "a.pgw", wrong_shape);
  EXPECT_THAT(load_error(dir / "a.pgw"), HasSubstr("'W2' has shape (4, 3)"));

  Weights missing = w;
  missing.tensors.erase("b1");
  missing.tensors["extra"] = tensor_of(Mat::Zero(1, 5));
  save_weights(dir / "b.pgw", missing);
  EXPECT_THAT(load_error(dir / "b.pgw"), HasSubstr("no tensor 'b1'"));

  Weights bad_dims = w;
  bad_dims.metadata["hidden_dims"] = "5,x";
  save_weights(dir / "c.pgw", bad_dims);
  EXPECT_THAT(load_error(dir / "c.pgw"), HasSubstr("hidden_dims '5,x'"));

  Weights bad_reg = w;
  bad_reg.metadata["reg"] = "-1";
  save_weights(dir / "d.pgw", bad_reg);
  EXPECT_THAT(load_error(dir / "d.pgw"), HasSubstr("reg is '-1'"));

  Weights no_input = w;
  no_input.metadata.erase("input_dim");
  save_weights(dir / "e.pgw", no_input);
  EXPECT_THAT(load_error(dir / "e.pgw"), HasSubstr("no 'input_dim' metadata"));
}

}  // namespace
}  // namespace pg::backprop
