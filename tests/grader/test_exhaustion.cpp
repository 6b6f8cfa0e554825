// End to end: submissions that exhaust a resource get the verdict that names it (memory_limit,
// timeout with the limit that ended it, crashed with "stack overflow"), with capped messages and
// printable reports, on an idle machine and with four busy loops beside the grader.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "busy_loops.hpp"
#include "grade_samples.hpp"
#include "report.hpp"

namespace pg::grader {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace pg::grader::testing;

constexpr const char* kExhausts = "tests/submissions/knn_hostile/exhausts";
constexpr const char* kExhaustsRubric = "tests/grader/rubrics/knn_exhausts.yaml";

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
