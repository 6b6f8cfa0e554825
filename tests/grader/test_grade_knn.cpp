// End to end: real submissions (reference, skeleton, buggy, hostile) graded with the real kNN
// rubric through the sandboxed runners. Each sample must lose exactly the tests it should.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <set>
#include <string>

#include "grade_samples.hpp"

namespace pg::grader {
namespace {

using ::testing::HasSubstr;

using namespace pg::grader::testing;

GradeReport grade_sample(const std::string& submission, const std::string& rubric = "") {
  return testing::grade_sample("knn", submission, rubric);
}

TEST(grade_knn, reference_scores_full_marks) {
  GradeReport r = grade_sample("reference/knn");
  expect_full_marks(r);
  EXPECT_GT(r.hidden_count(), 0);
}

TEST(grade_knn, skeleton_scores_zero_with_every_test_not_implemented) {
  GradeReport r = grade_sample("assignments/knn");
  expect_all_not_implemented(r);
}

class grade_buggy_knn : public ::testing::TestWithParam<Buggy> {};

TEST_P(grade_buggy_knn, loses_exactly_its_tests) {
  const Buggy& b = GetParam();
  GradeReport r = grade_sample(std::string("tests/submissions/knn/") + b.sample);
  expect_loses_exactly(r, b.loses);
  EXPECT_LT(r.score(), r.max_score());
}

INSTANTIATE_TEST_SUITE_P(
    samples, grade_buggy_knn,
    ::testing::Values(
        Buggy{"l2_no_sqrt",
              {"L2 distances, two loops", "two-loop distances on Fashion-MNIST images"}},
        Buggy{"no_loops_plus_cross",
              {"L2 distances, no loops", "no-loop distances are exactly 0 for a duplicated point",
               "no-loop distances of real-valued copies are 0, not NaN",
               "cross-validation table, L2",
               "cross-validation, best k on a tie in rows right (ks not sorted)",
               "cross-validation, best k on equal rows right whose mean accuracies differ in the "
               "last bit",
               "cross-validation on one-pixel rows, with ties in distance",
               "cross-validation with one fold per example",
               "cross-validation on Fashion-MNIST, best k",
               "no-loop distances are fast (500 x 5000 x 784)"}},
        Buggy{"l1_is_l2",
              {"L1 distances", "L1 distances on Fashion-MNIST images",
               "cross-validation table, L1, uneven folds"}},
        Buggy{"vote_tie_largest_label",
              {"predict labels, k = 5", "predict labels with ties in distance and in votes",
               "predict labels with more than 10 classes",
               "predict labels with distances closer than any epsilon",
               "predict labels with duplicate training points", "cross-validation table, L2",
               "cross-validation table, L1, uneven folds",
               "cross-validation, best k on equal rows right whose mean accuracies differ in the "
               "last bit",
               "cross-validation on one-pixel rows, with ties in distance",
               "cross-validation on Fashion-MNIST, best k"}},
        Buggy{"distance_tie_by_sort",
              {"predict labels with ties in distance and in votes",
               "predict labels with many ties, k = 1", "predict labels with duplicate training points",
               "cross-validation on one-pixel rows, with ties in distance"}},
        Buggy{"folds_remainder_last",
              {"cross-validation table, L2", "cross-validation table, L1, uneven folds"}},
        Buggy{"no_loops_with_loops", {"no-loop distances are fast (500 x 5000 x 784)"}},
        Buggy{"no_loops_loops_over_test_rows",
              {"no-loop distances are fast (500 x 5000 x 784)"}},
        // each of these loses only the test made for its mistake
        Buggy{"no_loops_no_clamp", {"no-loop distances of real-valued copies are 0, not NaN"}},
        Buggy{"vote_ten_classes", {"predict labels with more than 10 classes"}},
        Buggy{"predict_k_clamped_to_test_rows",
              {"predict labels for a single test row (M = 1)", "predict labels, k = num_train",
               "cross-validation with one fold per example"}},
        Buggy{"distance_tie_epsilon", {"predict labels with distances closer than any epsilon"}},
        Buggy{"best_k_first_listed",
              {"cross-validation, best k on a tie in rows right (ks not sorted)"}},
        Buggy{"folds_rotated", {"cross-validation on one-pixel rows, with ties in distance"}},
        Buggy{"best_k_float_mean",
              {"cross-validation, best k on equal rows right whose mean accuracies differ in the "
               "last bit"}}),
    [](const auto& info) { return std::string(info.param.sample); });

TEST(grade_knn, a_partly_right_submission_gets_failed_and_not_implemented_verdicts) {
  GradeReport r = grade_sample("tests/submissions/knn/partly_right");
  ASSERT_TRUE(r.built) << r.build_log;
  EXPECT_EQ(not_passed(r), (std::map<std::string, Verdict>{
                               {"L1 distances", Verdict::failed},
                               {"L1 distances on Fashion-MNIST images", Verdict::failed},
                               {"cross-validation table, L2", Verdict::not_implemented},
                               {"cross-validation table, L1, uneven folds", Verdict::not_implemented},
                               {"cross-validation, best k on a tie in rows right "
                                "(ks not sorted)",
                                Verdict::not_implemented},
                               {"cross-validation, best k on equal rows right whose mean "
                                "accuracies differ in the last bit",
                                Verdict::not_implemented},
                               {"cross-validation on one-pixel rows, with ties in distance",
                                Verdict::not_implemented},
                               {"cross-validation with one fold per example", Verdict::not_implemented},
                               {"cross-validation on Fashion-MNIST, best k", Verdict::not_implemented},
                           }));
  EXPECT_THAT(test_named(r, "L1 distances").message, HasSubstr("dists (15, 40): "));
}

TEST(grade_knn, a_misbehaving_submission_gets_a_verdict_per_test_and_the_rest_is_graded) {
  GradeReport r =
      grade_sample("tests/submissions/knn_hostile/misbehaves", "tests/grader/rubrics/knn_hostile.yaml");
  ASSERT_TRUE(r.built) << r.build_log;
  EXPECT_EQ(test_named(r, "two loops").verdict, Verdict::output_limit);
  EXPECT_THAT(test_named(r, "two loops").output, HasSubstr("debugging output that never stops"));
  EXPECT_EQ(test_named(r, "one loop").verdict, Verdict::memory_limit);
  EXPECT_EQ(test_named(r, "no loops").verdict, Verdict::passed);
  EXPECT_EQ(test_named(r, "l1").verdict, Verdict::crashed);
  EXPECT_THAT(test_named(r, "l1").message, HasSubstr("SIGSEGV"));
  EXPECT_EQ(test_named(r, "predict").verdict, Verdict::timeout);
  // the fork bomb is contained: both runs end in a timeout, the second starts cleanly
  EXPECT_EQ(test_named(r, "cross-validation").verdict, Verdict::timeout);
  EXPECT_EQ(test_named(r, "cross-validation again").verdict, Verdict::timeout)
      << test_named(r, "cross-validation again").message;
  EXPECT_EQ(r.score(), 1);
}

TEST(grade_knn, a_submission_cannot_read_the_hosts_files_reach_the_network_or_write_to_usr) {
  // a secret the sandbox must hide, and a server on the grader's loopback
  const char* secret = "/var/tmp/pixelgrad-probe-secret.txt";
  std::ofstream(secret) << "the answers\n";
  ::chmod(secret, 0644);
  int server = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(47611);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool listening = ::bind(server, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                         ::listen(server, 4) == 0;
  GradeReport r =
      grade_sample("tests/submissions/knn_hostile/pries", "tests/grader/rubrics/knn_hostile.yaml");
  ::close(server);
  ASSERT_TRUE(listening) << "could not listen on 127.0.0.1:47611";
  const TestResult& t = test_named(r, "two loops");
  EXPECT_EQ(t.verdict, Verdict::error);
  EXPECT_THAT(t.message, HasSubstr("threw std::runtime_error: nothing reachable"));
}

struct Attack {
  const char* sample;
  const char* compiler_says;  // the file it reached for is not there
};

void PrintTo(const Attack& a, std::ostream* os) { *os << a.sample; }

class grade_compile_attack : public ::testing::TestWithParam<Attack> {};

TEST_P(grade_compile_attack, ends_in_a_compile_error_on_every_test) {
  GradeReport r = grade_sample(std::string("tests/submissions/knn_hostile/") + GetParam().sample,
                               "tests/grader/rubrics/knn_hostile.yaml");
  EXPECT_FALSE(r.built);
  EXPECT_EQ(r.score(), 0);
  for (const auto& t : r.tests) EXPECT_EQ(t.verdict, Verdict::compile_error) << t.name;
  EXPECT_THAT(r.build_log, HasSubstr(GetParam().compiler_says));
}

INSTANTIATE_TEST_SUITE_P(
    samples, grade_compile_attack,
    ::testing::Values(Attack{"include_urandom", "/dev/urandom: No such file or directory"},
                      Attack{"incbin_secret", "file not found: /etc/shadow"},
                      Attack{"include_reference",
                             "../../../../reference/knn/knn.cpp: No such file or directory"}),
    [](const auto& info) { return std::string(info.param.sample); });

TEST(grade_knn, grades_with_rlimits_only_where_bubblewrap_is_off) {
  ::setenv("PIXELGRAD_NO_BWRAP", "1", 1);
  GradeReport r = grade_sample("reference/knn", "tests/grader/rubrics/knn_hostile.yaml");
  ::unsetenv("PIXELGRAD_NO_BWRAP");
  EXPECT_THAT(r.sandbox, HasSubstr("rlimits only"));
  ASSERT_TRUE(r.built) << r.build_log;
  EXPECT_EQ(r.score(), r.max_score());
}

TEST(grade_knn, a_missing_submission_file_is_a_usage_error_naming_the_file) {
  GradeOptions o;
  o.assignment = "knn";
  o.submission = kSource + "/tests";  // a folder without knn.cpp
  o.rubric_path = kSource + "/grader/rubrics/knn.yaml";
  o.kit_dir = std::string(PIXELGRAD_BINARY_DIR) + "/kit";
  DatasetSource data;
  GradeReport report;
  try {
    grade(o, data, report);
    FAIL() << "expected a UsageError";
  } catch (const UsageError& e) {
    EXPECT_THAT(e.what(), HasSubstr("the submission has no knn.cpp"));
  }
}

}  // namespace
}  // namespace pg::grader
