// Tests of the saliency demo (assignments/saliency/demo.cpp) run as a program on a small
// Fashion-MNIST-shaped data set and a small saved CNN written here (the MLP it trains itself, as
// it does when the backprop demo's is missing): its pictures, the lecture's progress lines and its
// tables. Not of the numbers it prints (tests/reference/saliency checks the code behind them).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <regex>
#include <string>

#include "common/image.hpp"
#include "common/weights.hpp"
#include "support/demo_data.hpp"

namespace pg {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using pg::testing::DemoRun;

// a CNN of the conv demo's format, 1 -> 2 -> 3 filters, 5 hidden units, random parameters
void write_small_cnn(const fs::path& path) {
  const long sizes[][2] = {{2, 9}, {1, 2}, {3, 18}, {1, 3}, {3 * 14 * 14, 5}, {1, 5}, {5, 10}, {1, 10}};
  const char* names[] = {"W1", "b1", "W2", "b2", "W3", "b3", "W4", "b4"};
  std::mt19937_64 rng(0);
  std::normal_distribution<double> g(0.0, 0.3);
  Weights w;
  w.metadata = {{"model", "conv_net"}, {"channels", "1"},    {"height", "28"},
                {"width", "28"},       {"filters1", "2"},    {"filters2", "3"},
                {"hidden", "5"},       {"num_classes", "10"}, {"reg", "0"}};
  for (int i = 0; i < 8; ++i) {
    Mat m(sizes[i][0], sizes[i][1]);
    for (Eigen::Index k = 0; k < m.size(); ++k) m.data()[k] = g(rng);
    w.tensors[names[i]] = tensor_of(m);
  }
  save_weights(path, w);
}

// The demos on 600 training and 200 test images; each runs at most once per process.
class SaliencyDemo : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("pixelgrad-saliency_demo-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "data");
    pg::testing::write_images(dir_ / "data", "train", 600);
    pg::testing::write_images(dir_ / "data", "t10k", 200);
    write_small_cnn(dir_ / "cnn.pgw");
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  static DemoRun run(const std::string& demo, const std::string& name) {
    const fs::path out = dir_ / name;
    return pg::testing::run_demo(
        "PIXELGRAD_DATA='" + (dir_ / "data").string() + "' '" + demo + "' --mlp '" +
            (dir_ / "missing.pgw").string() + "' --cnn '" + (dir_ / "cnn.pgw").string() +
            "' --images 40 --mask-images 3 --steps 4 --marker-epochs 1 --output '" +
            out.string() + "'",
        out);
  }

  static const DemoRun& reference() {
    static const DemoRun r = run(PIXELGRAD_SALIENCY_DEMO_REFERENCE, "reference");
    return r;
  }

  static inline fs::path dir_;
};

TEST_F(SaliencyDemo, writes_its_pictures_progress_lines_and_tables) {
  const DemoRun& r = reference();
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  for (const char* png : {"saliency_mlp.png", "saliency_cnn.png", "faithfulness.png",
                          "spurious_marker.png"}) {
    const Image image = read_png(dir_ / "reference" / png);
    EXPECT_GT(image.width, 400) << png;
    EXPECT_GT(image.height, 300) << png;
  }
  // the MLP it trained, saved where it says
  EXPECT_TRUE(fs::exists(dir_ / "reference" / "mlp.pgw"));
  // the lecture's lines, every 50 of 300 iterations
  const std::regex progress(R"(Iteration (0|50|100|150|200|250), Confidence: -?\d+\.\d{4}\n)");
  EXPECT_EQ(std::distance(std::sregex_iterator(r.out.begin(), r.out.end(), progress),
                          std::sregex_iterator()),
            4 * 6)
      << r.out;
  // a table row per method, for each net, with both areas
  const std::regex auc(R"(\n  (gradient|Grad-CAM conv2|Grad-CAM pool|random order) +40 +\d\.\d{3} +\d\.\d{3} )");
  EXPECT_EQ(std::distance(std::sregex_iterator(r.out.begin(), r.out.end(), auc),
                          std::sregex_iterator()),
            2 + 4)
      << r.out;
  EXPECT_THAT(r.out, HasSubstr("Model randomisation: rank correlation"));
  EXPECT_THAT(r.out, HasSubstr("images of the other classes called Bag once marked: "));
}

TEST_F(SaliencyDemo, on_the_skeleton_says_which_todos_to_fill_in) {
  const DemoRun r = run(PIXELGRAD_SALIENCY_DEMO, "skeleton");
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("Fill in the TODOs in assignments/saliency/saliency.cpp"));
}

}  // namespace
}  // namespace pg
