// The pixelgrad command line as a user runs it: exit statuses, report files, error messages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

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
  EXPECT_EQ(nlohmann::json::parse(r.out)["hidden_tests"],
            nlohmann::json({{"count", 0}, {"points", 0}, {"not_run", 6}, {"not_run_points", 13}}));
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
  const nlohmann::json entry = nlohmann::json::parse(json)["tests"][0];
  EXPECT_EQ(entry["name"], "autograder error");
  EXPECT_EQ(entry["number"], "1");
  EXPECT_EQ(entry["score"], 0);
  EXPECT_EQ(entry["max_score"], 0);
  EXPECT_EQ(entry["status"], "failed");
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
  EXPECT_THAT(r.out, HasSubstr("pixelgrad check <assignment>... | --all"));
  EXPECT_THAT(r.out, HasSubstr("assignments: backprop, conv, knn, linear, saliency"));
}

// The usage names every option, the environment variables the grader reads, the assignments, the
// formats and the exit statuses, whichever way it is asked for.
TEST_F(cli, every_command_takes_help_and_lists_its_options_and_environment) {
  for (const std::string args : {"--help", "-h", "help", "grade --help", "check --help",
                                 "help grade", "help check", "grade --assignment knn --help"}) {
    CliRun r = pixelgrad(args);
    EXPECT_EQ(r.status, 0) << args << "\n" << r.err;
    EXPECT_EQ(r.err, "") << args;
    for (const char* word :
         {"--format", "--output", "--kit", "PIXELGRAD_KIT", "PIXELGRAD_RUBRICS", "PIXELGRAD_DATA",
          "PIXELGRAD_NO_BWRAP", "PIXELGRAD_NO_CGROUP", "TMPDIR", "backprop, conv, knn, linear, saliency",
          "text, json, gradescope", "exit status: 0 graded"}) {
      EXPECT_THAT(r.out, HasSubstr(word)) << args;
    }
  }
  CliRun grade = pixelgrad("grade --help");
  for (const char* word : {"--assignment", "--submission", "--rubric"}) {
    EXPECT_THAT(grade.out, HasSubstr(word));
  }
  EXPECT_THAT(pixelgrad("check --help").out, HasSubstr("--all"));
}

TEST_F(cli, an_unknown_command_exits_2) {
  CliRun r = pixelgrad("frobnicate");
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err,
              HasSubstr("unknown command 'frobnicate'; the commands are check, grade, release, "
                        "gradescope and help"));
}

TEST_F(cli, an_unknown_option_exits_2_and_says_where_the_options_are) {
  CliRun r = pixelgrad("grade --assignment knn --submission reference/knn --jobs 2");
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, HasSubstr("--jobs"));
  EXPECT_THAT(r.err, HasSubstr("run `pixelgrad grade --help` for the options"));
}

TEST_F(cli, an_unknown_assignment_exits_2_naming_the_assignments) {
  const fs::path results = dir_ / "results.json";
  CliRun r = pixelgrad("grade --assignment knnn --submission reference/knn --format json "
                       "--output '" + results.string() + "'");
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, HasSubstr("there is no assignment 'knnn'"));
  EXPECT_THAT(r.err, HasSubstr("the assignments are backprop, conv, knn, linear, saliency"));
  // the results file still says what went wrong
  EXPECT_THAT(slurp(results), HasSubstr("there is no assignment 'knnn'"));
  CliRun c = pixelgrad("check knnn");
  EXPECT_EQ(c.status, 2);
  EXPECT_THAT(c.err, HasSubstr("there is no assignment 'knnn' in " + kSource +
                               "; the assignments are backprop, conv, knn, linear, saliency"));
}

// An --output that cannot be written is found before grading, not after it (40 s lost, and the
// report with them).
TEST_F(cli, an_unwritable_output_exits_2_before_grading) {
  const std::string output = (dir_ / "no-such-folder" / "grade.json").string();
  for (const std::string command : {"grade --assignment knn --submission reference/knn",
                                    "check knn"}) {
    const auto start = std::chrono::steady_clock::now();
    CliRun r = pixelgrad(command + " --format json --output '" + output + "'");
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(r.status, 2) << command;
    EXPECT_THAT(r.err, HasSubstr("cannot write the report to " + output +
                                 ": No such file or directory; nothing was graded"))
        << command;
    EXPECT_EQ(r.out, "") << command;
    EXPECT_LT(seconds, 5) << command;  // nothing was built
  }
}

TEST_F(cli, check_refuses_a_rubric_saying_why) {
  CliRun r = pixelgrad("check knn --rubric grader/rubrics/knn.yaml");
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, HasSubstr("check does not take --rubric: it runs the public tests of your "
                               "checkout's rubric"));
}

TEST_F(cli, check_writes_its_report_to_output) {
  const fs::path results = dir_ / "check.json";
  CliRun r = pixelgrad("check knn --format json --output '" + results.string() + "'");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(slurp(results), HasSubstr("\"not_run_points\": 13"));
  CliRun two = pixelgrad("check knn linear --output '" + results.string() + "'");
  EXPECT_EQ(two.status, 2);
  EXPECT_THAT(two.err, HasSubstr("--output holds one report, and check would write 2"));
}

TEST_F(cli, check_text_report_counts_public_and_hidden_tests_without_contradiction) {
  CliRun r = pixelgrad("check knn");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::ContainsRegex("\\([0-9]+ public tests run here; [0-9]+ hidden "
                                              "tests worth [0-9]+ points run only when your "
                                              "work is graded;"));
  EXPECT_THAT(r.out, Not(HasSubstr("none hidden")));
}

// A student's checkout of the course (a git repository with knn's files, the common headers and
// the rubric), committed as the course gave it.
fs::path make_checkout(const fs::path& repo) {
  for (const char* folder : {"assignments/knn", "assignments/common", "grader/rubrics"}) {
    fs::create_directories(repo / folder);
  }
  fs::copy_file(kSource + "/assignments/knn/knn.hpp", repo / "assignments/knn/knn.hpp");
  fs::copy_file(kSource + "/assignments/knn/knn.cpp", repo / "assignments/knn/knn.cpp");
  for (const char* h : {"types.hpp", "errors.hpp", "gradcheck.hpp"}) {
    fs::copy_file(kSource + "/assignments/common/" + h, repo / "assignments/common" / h);
  }
  fs::copy_file(kSource + "/grader/rubrics/knn.yaml", repo / "grader/rubrics/knn.yaml");
  const std::string git = "git -c user.name=student -c user.email=student@example.org ";
  EXPECT_EQ(std::system(("cd '" + repo.string() + "' && git init -q . && " + git +
                         "add -A && " + git + "commit -q -m course")
                            .c_str()),
            0);
  return repo;
}

// A student's checkout where knn.hpp gained a declaration that knn.cpp uses.
// The grader compiles against the course's knn.hpp, so check must too, and say so.
TEST_F(cli, check_compiles_against_the_course_header_and_says_the_student_edited_it) {
  const fs::path repo = make_checkout(dir_ / "student");
  // the edit: a constant declared in the header, used in knn.cpp
  std::ofstream(repo / "assignments/knn/knn.hpp", std::ios::app)
      << "\nnamespace pg::knn { inline constexpr int kMyHelperValue = 3; }\n";
  std::ofstream(repo / "assignments/knn/knn.cpp", std::ios::app)
      << "\nnamespace pg::knn { int my_helper() { return kMyHelperValue; } }\n";
  CliRun r = pixelgrad("check knn --format json --kit '" + std::string(PIXELGRAD_BINARY_DIR) +
                           "/kit'",
                       repo.string());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("you edited assignments/knn/knn.hpp; the grader uses its own copy "
                               "of the contract headers"));
  EXPECT_THAT(r.out, HasSubstr("\"verdict\": \"compile_error\""));
  // the compiler's message names the file as the student reaches it, not the sandbox's /src
  EXPECT_THAT(r.out, HasSubstr("the submission did not build: assignments/knn/knn.cpp:"));
  EXPECT_THAT(r.out, HasSubstr("kMyHelperValue"));
  EXPECT_THAT(r.out, Not(HasSubstr("/src/knn.cpp")));
}

// The route from a crash to its line: graded, the swapped index of the two-loop distances (a
// write far outside the 15 x 40 matrix) crashes or corrupts memory, and a crash's message points
// to check --debug; with --debug, the test names the line and says what went wrong.
TEST_F(cli, check_debug_names_the_line_of_an_out_of_range_write) {
  const fs::path repo = make_checkout(dir_ / "student");
  fs::copy_file(kSource + "/tests/submissions/knn_careless/two_loops_swapped_index/knn.cpp",
                repo / "assignments/knn/knn.cpp", fs::copy_options::overwrite_existing);
  const std::string kit = " --kit '" + std::string(PIXELGRAD_BINARY_DIR) + "/kit'";
  const std::string test = "L2 distances, two loops";
  const auto result_of = [&](const nlohmann::json& report) {
    for (const auto& t : report["tests"]) {
      if (t["name"] == test) return t;
    }
    ADD_FAILURE() << "no test named " << test << " in " << report.dump(2);
    return nlohmann::json::object();
  };

  CliRun graded = pixelgrad("check knn --format json" + kit, repo.string());
  ASSERT_EQ(graded.status, 0) << graded.err;
  const nlohmann::json plain = result_of(nlohmann::json::parse(graded.out));
  EXPECT_NE(plain["verdict"], "passed") << plain.dump(2);
  if (plain["verdict"] == "crashed" && plain["message"].get<std::string>().find("crashed with") !=
                                           std::string::npos) {
    EXPECT_THAT(plain["message"].get<std::string>(), HasSubstr("`pixelgrad check knn --debug` "
                                                               "names the line"));
  }

  CliRun debug = pixelgrad("check knn --debug --format json" + kit, repo.string());
  ASSERT_EQ(debug.status, 0) << debug.err;
  const nlohmann::json report = nlohmann::json::parse(debug.out);
  const nlohmann::json t = result_of(report);
  EXPECT_EQ(t["verdict"], "crashed") << t.dump(2);
  EXPECT_THAT(t["message"].get<std::string>(),
              HasSubstr("your compute_distances_two_loops crashed: Eigen's check"));
  EXPECT_THAT(t["message"].get<std::string>(),
              HasSubstr("at assignments/knn/knn.cpp:34 in compute_distances_two_loops"));
  // the other tests are right, and the speed tests are left out
  for (const auto& other : report["tests"]) {
    if (other["name"] == test || other["verdict"] == "not_implemented") continue;
    EXPECT_EQ(other["verdict"], "passed") << other.dump(2);
    EXPECT_FALSE(other.contains("ratio") && !other["ratio"].is_null()) << other.dump(2);
  }
  EXPECT_LT(report["tests"].size(), nlohmann::json::parse(graded.out)["tests"].size());
  CliRun text = pixelgrad("check knn --debug" + kit, repo.string());
  EXPECT_THAT(text.out, HasSubstr("speed tests left out with --debug"));
}

// What a terminal shows after `\r` and erase-line sequences, line by line.
std::vector<std::string> visible_lines(std::string screen) {
  for (auto at = screen.find("\r\n"); at != std::string::npos; at = screen.find("\r\n", at)) {
    screen.replace(at, 2, "\n");
  }
  std::vector<std::string> lines;
  std::istringstream in(screen);
  std::string line;
  while (std::getline(in, line)) {
    line = line.substr(line.rfind('\r') == std::string::npos ? 0 : line.rfind('\r') + 1);
    for (auto at = line.find("\033[K"); at != std::string::npos; at = line.find("\033[K")) {
      line.erase(at, 3);
    }
    lines.push_back(line);
  }
  return lines;
}

// On a terminal the progress lines are erased as the report comes: each test shows once.
TEST_F(cli, on_a_terminal_each_test_is_printed_once) {
  const fs::path screen = dir_ / "screen";
  const std::string cmd = "cd '" + kSource + "' && script -qec \"'" + kPixelgrad +
                          "' check knn\" /dev/null >'" + screen.string() + "' 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << slurp(screen);
  const std::string text = slurp(screen);
  ASSERT_THAT(text, HasSubstr("\033[K"));  // there was progress, on the terminal
  int shown = 0;
  for (const std::string& line : visible_lines(text)) {
    if (line.find("L2 distances, two loops") != std::string::npos) ++shown;
  }
  EXPECT_EQ(shown, 1) << text;
}

// The README's CI recipe, verbatim, in a student's repository after `make build`.
TEST_F(cli, the_readmes_ci_recipe_grades_a_students_repository) {
  std::istringstream readme(slurp(kSource + "/README.md"));
  std::string line, recipe;
  bool in_ci = false;
  while (std::getline(readme, line)) {
    if (line.starts_with("## ")) in_ci = line == "## For CI";
    if (in_ci && line.starts_with("build/grader/pixelgrad grade ")) recipe = line;
  }
  ASSERT_THAT(recipe, HasSubstr("--submission . ")) << "no CI recipe in README.md's For CI";
  const fs::path repo = dir_ / "student";
  fs::create_directories(repo / "assignments/knn");
  // a fresh repository: the skeleton, every function still to write
  fs::copy_file(kSource + "/assignments/knn/knn.cpp", repo / "assignments/knn/knn.cpp");
  fs::create_directory_symlink(PIXELGRAD_BINARY_DIR, repo / "build");  // what make build makes
  const std::string cmd = "cd '" + repo.string() + "' && " + recipe + " >'" +
                          (dir_ / "out").string() + "' 2>&1";
  const int raw = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(raw) && WEXITSTATUS(raw) == 0) << recipe << "\n" << slurp(dir_ / "out");
  const std::string report = slurp(repo / "grade.json");
  EXPECT_THAT(report, HasSubstr("\"built\": true"));
  EXPECT_THAT(report, HasSubstr("\"verdict\": \"not_implemented\""));
  EXPECT_THAT(report, Not(HasSubstr("\"verdict\": \"compile_error\"")));
}

}  // namespace
