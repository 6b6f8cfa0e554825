// The pixelgrad command line as a user runs it: exit statuses, report files, error messages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kSource = PIXELGRAD_SOURCE_DIR;
const std::string kPixelgrad = std::string(PIXELGRAD_BINARY_DIR) + "/grader/pixelgrad";

struct CliRun {
  int status;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("pixelgrad-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // runs pixelgrad with `args` in `cwd`
  CliRun pixelgrad(const std::string& args, const std::string& cwd = kSource) {
    const std::string cmd = "cd '" + cwd + "' && '" + kPixelgrad + "' " + args + " >'" +
                            (dir_ / "out").string() + "' 2>'" + (dir_ / "err").string() + "'";
    int raw = std::system(cmd.c_str());
    return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(dir_ / "out"), slurp(dir_ / "err")};
  }
  fs::path dir_;
};

TEST_F(cli, check_runs_only_the_public_tests_on_the_working_tree) {
  CliRun r = pixelgrad("check knn --format json");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"hidden_tests\": {\"count\": 0, \"points\": 0, \"not_run\": 6, "
                               "\"not_run_points\": 13}"));
  EXPECT_THAT(r.out, HasSubstr("\"verdict\": \"not_implemented\""));
  EXPECT_THAT(r.out, Not(HasSubstr("\"verdict\": \"passed\"")));
  EXPECT_THAT(r.out, Not(HasSubstr("Fashion-MNIST")));  // those tests are hidden
}

TEST_F(cli, a_missing_submission_file_exits_2_and_still_writes_a_results_file) {
  const fs::path results = dir_ / "results.json";
  CliRun r = pixelgrad("grade --assignment knn --submission '" + dir_.string() +
                    "' --format gradescope --output '" + results.string() + "'");
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, HasSubstr("the submission has no knn.cpp"));
  const std::string json = slurp(results);
  EXPECT_THAT(json, HasSubstr("\"score\": 0,"));
  EXPECT_THAT(json, HasSubstr("Autograder error: the submission has no knn.cpp"));
  EXPECT_THAT(json, HasSubstr("{\"name\": \"autograder error\", \"number\": \"1\", \"score\": 0, "
                              "\"max_score\": 0, \"status\": \"failed\""));
}

TEST_F(cli, a_bad_rubric_exits_2_naming_file_line_and_column) {
  const fs::path rubric = dir_ / "bad.yaml";
  std::ofstream(rubric) << "assignment: knn\nsubmission: {files: [knn.cpp]}\ntests:\n"
                           "  - name: a\n    case: knn.distances_l1\n    pionts: 2\n";
  CliRun r = pixelgrad("grade --assignment knn --submission reference/knn --rubric '" +
                    rubric.string() + "'");
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, HasSubstr(rubric.string() + ":6:5: unknown key 'pionts' in a test"));
}

TEST_F(cli, an_unknown_format_exits_2_listing_the_formats) {
  CliRun r = pixelgrad("grade --assignment knn --submission reference/knn --format xml");
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown format 'xml'; use one of text, json, gradescope"));
}

TEST_F(cli, grades_with_a_kit_in_a_folder_closed_to_the_sandbox_user) {
  // a checkout in a 0700 folder (root's home, `mktemp -d`): as root the runners and the compiler
  // run under a uid of their own, which cannot reach the kit there; grading uses a copy
  if (::geteuid() != 0) GTEST_SKIP() << "only root grades under a sandbox uid";
  const fs::path closed = dir_ / "closed";
  fs::create_directories(closed);
  fs::copy(fs::path(PIXELGRAD_BINARY_DIR) / "kit", closed / "kit", fs::copy_options::recursive);
  fs::permissions(closed, fs::perms::owner_all);
  CliRun r = pixelgrad("grade --assignment knn --submission reference/knn --format json --kit '" +
                       (closed / "kit").string() + "'");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"built\": true"));
  EXPECT_THAT(r.out, Not(HasSubstr("\"verdict\": \"failed\"")));
  EXPECT_THAT(r.out, Not(HasSubstr("\"verdict\": \"compile_error\"")));
}

TEST_F(cli, help_prints_the_usage_and_exits_0) {
  CliRun r = pixelgrad("help");
  EXPECT_EQ(r.status, 0);
  EXPECT_THAT(r.out, HasSubstr("pixelgrad grade --assignment A --submission DIR|ZIP"));
}

TEST_F(cli, an_unknown_command_exits_2) {
  CliRun r = pixelgrad("frobnicate");
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown command 'frobnicate'"));
}

}  // namespace
