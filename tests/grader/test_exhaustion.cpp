// End to end: submissions that exhaust a resource get the verdict that names it (memory_limit,
// timeout with the limit that ended it, crashed with "stack overflow"), with capped messages and
// printable reports, on an idle machine and with four busy loops beside the grader.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "grade_samples.hpp"
#include "report.hpp"
#include "support/temp_dir.hpp"

namespace pg::grader {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace pg::grader::testing;

constexpr const char* kExhausts = "tests/submissions/knn_hostile/exhausts";
constexpr const char* kExhaustsRubric = "tests/grader/rubrics/knn_exhausts.yaml";

// Processes that spin until this object goes (the busy machine of a shared grading box). Each
// is a session of its own, as another user's work would be: where the kernel groups the
// scheduling by session (autogroup), loops in the grader's session would only share its weight.
class BusyLoops {
 public:
  explicit BusyLoops(int n) {
    for (int i = 0; i < n; ++i) {
      const pid_t pid = ::fork();
      if (pid == 0) {
        ::setsid();
        volatile unsigned long spins = 0;
        for (;;) spins = spins + 1;
      }
      if (pid > 0) pids_.push_back(pid);
    }
  }
  ~BusyLoops() {
    for (pid_t pid : pids_) ::kill(pid, SIGKILL);
    for (pid_t pid : pids_) ::waitpid(pid, nullptr, 0);
  }
  BusyLoops(const BusyLoops&) = delete;
  BusyLoops& operator=(const BusyLoops&) = delete;

 private:
  std::vector<pid_t> pids_;
};

bool has_limit_cgroups(const GradeReport& r) {
  return r.sandbox.find("memory, pids and cpu cgroups") != std::string::npos;
}

// The verdicts and messages of the sample `exhausts`, whatever the machine's load.
void expect_exhaustion_verdicts(const GradeReport& r) {
  ASSERT_TRUE(r.built) << r.build_log;
  const TestResult& bomb = test_named(r, "two loops");
  EXPECT_EQ(bomb.verdict, Verdict::memory_limit) << bomb.message;
  EXPECT_THAT(bomb.message, HasSubstr("at the memory limit of 256 MiB"));

  const TestResult& spin = test_named(r, "one loop");
  EXPECT_EQ(spin.verdict, Verdict::timeout) << spin.message;
  EXPECT_THAT(spin.message, HasSubstr("used more than the CPU time limit of 3 s"));

  const TestResult& deep = test_named(r, "no loops");
  EXPECT_EQ(deep.verdict, Verdict::crashed) << deep.message;
  EXPECT_THAT(deep.message, AllOf(HasSubstr("stack overflow: your compute_distances_no_loops "
                                            "overflowed the stack"),
                                  HasSubstr("recursion"), Not(HasSubstr("out-of-range"))));

  const TestResult& forks = test_named(r, "l1");
  EXPECT_EQ(forks.verdict, Verdict::timeout) << forks.message;
  EXPECT_THAT(forks.message, HasSubstr("did not finish within the time limit of 4 s"));

  const TestResult& files = test_named(r, "predict");
  if (has_limit_cgroups(r)) {
    // the kernel memory of a million empty files counts against the memory cgroup
    EXPECT_EQ(files.verdict, Verdict::memory_limit) << files.message;
    EXPECT_THAT(files.message, HasSubstr("files it writes to /tmp"));
  }

  const TestResult& flood = test_named(r, "cross-validation");
  EXPECT_EQ(flood.verdict, Verdict::error) << flood.message.substr(0, 200);
  EXPECT_THAT(flood.message, HasSubstr("threw std::runtime_error: xxxx"));
  EXPECT_THAT(flood.message, HasSubstr("[cut: "));
  EXPECT_LT(flood.message.size(), 2100u);
}

TEST(exhaustion, each_resource_gets_the_verdict_that_names_it) {
  const GradeReport r = grade_sample("knn", kExhausts, kExhaustsRubric);
  expect_exhaustion_verdicts(r);
  if (has_limit_cgroups(r)) {
    // the fork bomb's 65 spinners are held to one core: its CPU time is about its wall time
    const std::string& m = test_named(r, "l1").message;
    const auto at = m.find("(it used ");
    ASSERT_NE(at, std::string::npos) << m;
    const double cpu = std::stod(m.substr(at + 9));
    EXPECT_LT(cpu, 4 * 1.3) << m;
    EXPECT_GT(cpu, 4 * 0.5) << m;
  }
}

TEST(exhaustion, a_report_shows_terminal_escapes_and_invalid_utf8_as_text) {
  const GradeReport r = grade_sample("knn", kExhausts, kExhaustsRubric);
  const TestResult& deep = test_named(r, "no loops");
  // what the submission printed reached the report byte for byte...
  EXPECT_THAT(deep.output, HasSubstr("\x1b[2J"));
  // ...and no human-readable format passes a control character or invalid UTF-8 on
  for (Format f : {Format::text, Format::gradescope}) {
    std::ostringstream out;
    make_writer(f)->write(r, out);
    const std::string s = out.str();
    EXPECT_EQ(s.find('\x1b'), std::string::npos);
    EXPECT_EQ(s.find('\r'), std::string::npos);
    EXPECT_EQ(s.find('\0'), std::string::npos);
    EXPECT_EQ(s.find('\x07'), std::string::npos);
    EXPECT_EQ(s.find("\xff"), std::string::npos);
  }
  std::ostringstream json;
  make_writer(Format::json)->write(r, json);
  EXPECT_LT(json.str().size(), 64u * 1024) << "a 100 MiB exception message must not reach it";
}

TEST(exhaustion, the_verdicts_hold_with_four_busy_loops_beside_the_grader) {
  BusyLoops busy(4);
  expect_exhaustion_verdicts(grade_sample("knn", kExhausts, kExhaustsRubric));
  const GradeReport r = grade_sample("knn", "tests/submissions/knn_hostile/misbehaves",
                                     "tests/grader/rubrics/knn_hostile.yaml");
  EXPECT_EQ(test_named(r, "two loops").verdict, Verdict::output_limit);
  EXPECT_EQ(test_named(r, "one loop").verdict, Verdict::memory_limit)
      << test_named(r, "one loop").message;
  EXPECT_EQ(test_named(r, "no loops").verdict, Verdict::passed);
  EXPECT_EQ(test_named(r, "l1").verdict, Verdict::crashed);
  EXPECT_EQ(test_named(r, "predict").verdict, Verdict::timeout);
  EXPECT_EQ(test_named(r, "cross-validation").verdict, Verdict::timeout);
  EXPECT_EQ(test_named(r, "cross-validation again").verdict, Verdict::timeout);
}

// The reference kNN graded with one test of the two-loop distances on 4000 x 500 x 784 rows.
GradeReport grade_two_loops(const std::string& test_keys, double wall_s) {
  pg::testing::TempDir dir;
  std::ofstream(dir / "rubric.yaml")
      << "assignment: knn\ntitle: busy machine\nsubmission: {files: [knn.cpp]}\n"
      << "limits: {wall_s: " << wall_s << ", memory_mb: 512}\n"
      << "tests:\n  - {name: two loops, case: knn.distances_two_loops, points: 1, seed: 5, "
      << "args: {num_train: 4000, num_test: 500, dim: 784}" << test_keys << "}\n";
  GradeOptions o;
  o.assignment = "knn";
  o.submission = kSource + "/reference/knn";
  o.rubric_path = (dir / "rubric.yaml").string();
  o.kit_dir = std::string(PIXELGRAD_BINARY_DIR) + "/kit";
  DatasetSource data;
  GradeReport r;
  grade(o, data, r);
  return r;
}

// A runner that needs c seconds of CPU time, under a wall limit of 1.5c + 0.3 s, with three busy
// loops a processor beside it: it gets about two sevenths of one on two cores, so counting the
// wall clock alone would end it. The time it waits for a processor is not its own and does not count.
// Without cgroups: a sandbox's cpu cgroup is scheduled as one group, with as much weight as the
// busy loops together, and would hardly wait at all.
TEST(busy_machine, the_time_a_runner_waits_for_a_processor_does_not_count) {
  ::setenv("PIXELGRAD_NO_CGROUP", "1", 1);
  struct Unset {
    ~Unset() { ::unsetenv("PIXELGRAD_NO_CGROUP"); }
  } unset;
  const GradeReport idle = grade_two_loops(", timing: {repeats: 1, max_ratio_to_reference: 100}", 60);
  const TestResult& timed = test_named(idle, "two loops");
  ASSERT_EQ(timed.verdict, Verdict::passed) << timed.message;
  ASSERT_TRUE(timed.student_cpu_s.has_value());
  const double c = *timed.student_cpu_s;
  ASSERT_GT(c, 0.2) << "the call is too quick here to show anything";
  const double wall_s = std::ceil(10 * (1.5 * c + 0.3)) / 10;

  // three loops a processor: the runner gets at most a fourth of one, on any machine
  BusyLoops busy(3 * static_cast<int>(std::max(2u, std::thread::hardware_concurrency())));
  const GradeReport r = grade_two_loops("", wall_s);
  const TestResult& t = test_named(r, "two loops");
  EXPECT_EQ(t.verdict, Verdict::passed) << t.message << " (one call: " << c << " s of CPU time)";
  // the reference's answer was made ahead; the test's own time is the student runner's
  EXPECT_GT(t.seconds, wall_s) << "the runner never waited for a processor: this shows nothing";
}

TEST(printable, keeps_text_and_writes_out_controls_and_invalid_bytes) {
  EXPECT_EQ(printable("plain text, é, ∑\n\tnext"), "plain text, é, ∑\n\tnext");
  EXPECT_EQ(printable("\x1b[2Jgreen"), "\\x1b[2Jgreen");
  EXPECT_EQ(printable(std::string("a\0b\rc\x7f", 6)), "a\\x00b\\x0dc\\x7f");
  EXPECT_EQ(printable("\xff\xfe"), "\\xff\\xfe");
  EXPECT_EQ(printable("\xc2\x9b" "31m"), "\\u{9b}31m");  // C1 CSI
  EXPECT_EQ(printable("\xc2\xa0"), "\xc2\xa0");           // U+00A0 is text
}

}  // namespace
}  // namespace pg::grader
