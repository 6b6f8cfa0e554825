// Tests of the conv demo (assignments/conv/demo.cpp) run as a program on a small Fashion-MNIST-
// shaped data set written here: its files, its saved net and the lines of its tables. Not of the
// numbers it prints (the conv and backprop tests check the code behind them).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "common/image.hpp"
#include "common/weights.hpp"
#include "support/demo_data.hpp"

namespace pg {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using pg::testing::DemoRun;
using pg::testing::read_text;
using pg::testing::write_images;


// The demos on 400 training and 100 test images written to a fresh folder; each demo runs at most
// once per process (a run trains three nets), when a test first asks for it.
class CnnDemo : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("pixelgrad-cnn_demo-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "data");
    write_images(dir_ / "data", "train", 400);
    write_images(dir_ / "data", "t10k", 100);
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // `demo` on the small data, writing to dir_/name
  static DemoRun run(const std::string& demo, const std::string& name) {
    const fs::path out = dir_ / name;
    return pg::testing::run_demo("PIXELGRAD_DATA='" + (dir_ / "data").string() + "' '" + demo +
                                     "' --train 300 --val 100 --test 100 --epochs 1 "
                                     "--mlp-epochs 1 --output '" + out.string() + "'",
                                 out);
  }

  static const DemoRun& reference() {
    static const DemoRun r = run(PIXELGRAD_CNN_DEMO_REFERENCE, "reference");
    return r;
  }
  static const DemoRun& skeleton() {
    static const DemoRun r = run(PIXELGRAD_CNN_DEMO, "skeleton");
    return r;
  }

  static inline fs::path dir_;
};

TEST_F(CnnDemo, writes_its_pictures_and_tables) {
  const DemoRun& r = reference();
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  for (const char* png :
       {"conv_kernels.png", "cnn_loss.png", "cnn_filters.png", "shift_accuracy.png"}) {
    const Image image = read_png(dir_ / "reference" / png);
    EXPECT_GT(image.width, 200) << png;
    EXPECT_GT(image.height, 100) << png;
  }
  // one line per epoch for the CNN and each MLP, as the lecture prints them
  const std::regex epoch(R"(Epoch 1/1, Training Loss: \d+\.\d{4} )");
  EXPECT_EQ(std::distance(std::sregex_iterator(r.out.begin(), r.out.end(), epoch),
                          std::sregex_iterator()),
            3)
      << r.out;
  EXPECT_THAT(r.out, HasSubstr("test accuracy (best epoch by validation): "));
  // the shift table: its header, then shifts -5..+5 in order, an accuracy per model
  EXPECT_THAT(r.out, HasSubstr("\nshift       MLP   MLP, shifted training       CNN\n"));
  std::string rows;
  const std::regex row(R"(\n +([+-]\d) +\d+\.\d\d% +\d+\.\d\d% +\d+\.\d\d%(?=\n))");
  for (auto it = std::sregex_iterator(r.out.begin(), r.out.end(), row);
       it != std::sregex_iterator(); ++it) {
    rows += (*it)[1].str() + " ";
  }
  EXPECT_EQ(rows, "-5 -4 -3 -2 -1 +0 +1 +2 +3 +4 +5 ") << r.out;
}

TEST_F(CnnDemo, saves_the_cnn_as_its_comment_says) {
  const DemoRun& r = reference();
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  const Weights w = load_weights(dir_ / "reference" / "cnn.pgw");
  EXPECT_EQ(w.metadata.at("model"), "conv_net");
  const std::pair<const char*, const char*> metadata[] = {
      {"channels", "1"},  {"height", "28"},  {"width", "28"},       {"filters1", "32"},
      {"filters2", "64"}, {"hidden", "128"}, {"num_classes", "10"}, {"reg", "0"}};
  for (const auto& [key, value] : metadata) EXPECT_EQ(w.metadata.at(key), value) << key;
  const std::pair<const char*, std::vector<std::int64_t>> shapes[] = {{"W1", {32, 9}},
                                                                      {"b1", {1, 32}},
                                                                      {"W2", {64, 288}},
                                                                      {"b2", {1, 64}},
                                                                      {"W3", {64 * 14 * 14, 128}},
                                                                      {"b3", {1, 128}},
                                                                      {"W4", {128, 10}},
                                                                      {"b4", {1, 10}}};
  EXPECT_EQ(w.tensors.size(), 8u);
  for (const auto& [name, shape] : shapes) EXPECT_EQ(w.tensors.at(name).shape, shape) << name;
}

TEST_F(CnnDemo, on_the_skeleton_says_which_todos_to_fill_in) {
  const DemoRun& r = skeleton();
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("cnn_demo: convolve2d is not implemented yet"));
  EXPECT_THAT(r.err, HasSubstr("Fill in the TODOs in assignments/conv/*.cpp"));
}

// Debian 12's OpenBLAS takes processors newer than itself for a Prescott; the demo then runs
// itself again with the kernels the processor has (common/blas.hpp). OpenBLAS names its kernels
// on stderr with OPENBLAS_VERBOSE=2, once per start.
TEST(CnnDemoKernels, runs_with_the_openblas_kernels_the_processor_has) {
  const std::string err = fs::temp_directory_path() /
                          ("pixelgrad-cnn_demo-kernels-" + std::to_string(::getpid()) + ".err");
  const std::string command = "OPENBLAS_VERBOSE=2 '" + std::string(PIXELGRAD_CNN_DEMO_REFERENCE) +
                              "' --help > /dev/null 2> '" + err + "'";
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::vector<std::string> cores;
  std::istringstream lines(read_text(err));
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("Core: ", 0) == 0) cores.push_back(line.substr(6));
  }
  fs::remove(err);
  ASSERT_FALSE(cores.empty()) << "OpenBLAS did not name its kernels";
  __builtin_cpu_init();
  if (cores.front() == "Prescott" && __builtin_cpu_supports("avx2") &&
      __builtin_cpu_supports("fma")) {
    ASSERT_EQ(cores.size(), 2u);
    EXPECT_TRUE(cores[1] == "Haswell" || cores[1] == "SkylakeX") << cores[1];
  } else {
    EXPECT_EQ(cores.size(), 1u) << "the demo ran itself again although OpenBLAS chose "
                                << cores.front();
  }
}

}  // namespace
}  // namespace pg
