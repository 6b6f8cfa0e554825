// Timed tests end to end: right but slow submissions fail on their ratio with a message that says
// why; work handed to a forked helper is counted; a wrong answer is not timed. And the arithmetic
// of counted time (timing.hpp) on its own. Ratios under load: tests/bench/timing_under_load.sh.
#include "timing.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "grade_samples.hpp"

namespace pg::grader {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace pg::grader::testing;

TEST(compare_times, counts_the_call_and_the_fastest_run_of_each_side) {
  TimeComparison c = compare_times({{0.010, 0.050}, {0.011, 0.040}, {0.012, 0.045}},
                                   {{0.010, 0.130}, {0.010, 0.120}, {0.013, 0.200}});
  EXPECT_DOUBLE_EQ(c.allowance, 0.010);
  EXPECT_DOUBLE_EQ(c.reference, 0.040 + 0.001);  // its load beyond the allowance counts too
  EXPECT_DOUBLE_EQ(c.student, 0.120);
  EXPECT_DOUBLE_EQ(c.ratio, 0.120 / 0.041);
}

TEST(compare_times, work_moved_from_the_call_into_the_load_still_counts) {
  const std::vector<RunCost> reference = {{0.010, 0.040}, {0.010, 0.040}};
  const TimeComparison honest = compare_times(reference, {{0.010, 0.120}, {0.010, 0.120}});
  // the same 0.12 s of work, 0.1 s of it done while "loading"
  const TimeComparison early = compare_times(reference, {{0.110, 0.020}, {0.110, 0.020}});
  EXPECT_DOUBLE_EQ(honest.student, early.student);
  EXPECT_DOUBLE_EQ(honest.ratio, early.ratio);
}

TEST(compare_times, a_load_faster_than_the_references_earns_nothing) {
  TimeComparison c = compare_times({{0.010, 0.040}}, {{0.001, 0.040}});
  EXPECT_DOUBLE_EQ(c.student, 0.040);
  EXPECT_DOUBLE_EQ(c.ratio, 1.0);
}

struct Slow {
  const char* assignment;
  const char* sample;
  const char* test;
  const char* function;
  const char* cause;  // what the message says the usual cause is
};

void PrintTo(const Slow& s, std::ostream* os) { *os << s.sample; }

class a_slow_sample : public ::testing::TestWithParam<Slow> {};

TEST_P(a_slow_sample, fails_only_its_speed_test_and_says_why) {
  const Slow& s = GetParam();
  GradeReport r = grade_sample(s.assignment, std::string("tests/submissions/") + s.assignment +
                                                 "/" + s.sample);
  ASSERT_TRUE(r.built) << r.build_log;
  EXPECT_EQ(not_passed(r), (std::map<std::string, Verdict>{{s.test, Verdict::failed}}));
  const TestResult& t = test_named(r, s.test);
  ASSERT_TRUE(t.ratio.has_value());
  EXPECT_GT(*t.ratio, 3.0);
  EXPECT_THAT(t.message, StartsWith(std::string("correct but too slow: your ") + s.function +
                                    " used "));
  EXPECT_THAT(t.message, HasSubstr(" of CPU time in its fastest of 5 runs, the reference "));
  EXPECT_THAT(t.message, HasSubstr("at most 3 allowed"));
  EXPECT_THAT(t.message, HasSubstr(s.cause));
}

INSTANTIATE_TEST_SUITE_P(
    samples, a_slow_sample,
    ::testing::Values(
        Slow{"knn", "no_loops_loops_over_test_rows", "no-loop distances are fast (500 x 5000 x 784)",
             "compute_distances_no_loops", "a loop over test rows"},
        Slow{"knn", "no_loops_with_loops", "no-loop distances are fast (500 x 5000 x 784)",
             "compute_distances_no_loops", "a loop over test rows"},
        Slow{"linear", "svm_vectorized_loops_over_examples",
             "SVM vectorized is fast (300 x 3073 x 700)", "svm_loss_vectorized",
             "a loop over the examples"},
        Slow{"linear", "softmax_vectorized_loops_over_examples",
             "softmax vectorized is fast (300 x 3073 x 700)", "softmax_loss_vectorized",
             "a loop over the examples"}),
    [](const auto& info) { return std::string(info.param.sample); });

TEST(timing, counts_the_cpu_time_of_a_helper_process_that_does_the_work) {
  GradeReport r = grade_sample("knn", "tests/submissions/knn_hostile/forks_helper");
  ASSERT_TRUE(r.built) << r.build_log;
  if (r.sandbox.find("cgroup") == std::string::npos) {
    GTEST_SKIP() << "no cgroup here, so exited helpers are not counted: " << r.sandbox;
  }
  const TestResult& t = test_named(r, "no-loop distances are fast (500 x 5000 x 784)");
  ASSERT_TRUE(t.ratio.has_value()) << t.message;
  // the helper does what the reference does; counted in full, the ratio is about 1
  EXPECT_GT(*t.ratio, 0.7) << t.message;
}

TEST(timing, a_wrong_answer_is_not_timed_and_the_message_names_the_test_that_shows_it) {
  GradeReport r = grade_sample("knn", "tests/submissions/knn/no_loops_plus_cross");
  const TestResult& t = test_named(r, "no-loop distances are fast (500 x 5000 x 784)");
  EXPECT_EQ(t.verdict, Verdict::failed);
  EXPECT_FALSE(t.ratio.has_value());
  EXPECT_EQ(t.message,
            "not timed: your compute_distances_no_loops returned wrong values for this test's "
            "inputs, and only a right answer is timed; the test 'L2 distances, no loops' shows "
            "where they differ (fix that first). Your dists are √(‖a‖² + ‖b‖² + 2a·b) = ‖a + "
            "b‖: the cross term must be subtracted, ‖a - b‖² = ‖a‖² + ‖b‖² - 2a·b");
}

TEST(grading_profile, says_where_the_time_went) {
  GradeReport r = grade_sample("knn", "reference/knn");
  ASSERT_TRUE(r.built) << r.build_log;
  const Profile& p = r.profile;
  EXPECT_GT(p.compile, 0);
  EXPECT_GT(p.link, 0);
  EXPECT_GT(p.reference, 0);
  EXPECT_GT(p.student, 0);
  EXPECT_GE(p.other, 0);
  // the stages in sequence fit in the whole (the reference's may overlap the compile)
  EXPECT_LE(p.prepare + p.compile + p.link + p.student, r.seconds + 1e-6);
}

}  // namespace
}  // namespace pg::grader
