// What grading produced: a verdict and points per test, and the report that holds them.
// Not how they are printed: the writers in report.cpp format a GradeReport.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rubric.hpp"

namespace pg::grader {

enum class Verdict {
  passed,
  failed,           // ran, but the answer is wrong (or too slow): the message says how
  not_implemented,  // the function still throws pg::NotImplemented
  error,            // it threw an exception
  crashed,          // a signal ended it
  timeout,          // over the wall-clock or CPU limit
  memory_limit,     // over the memory limit
  output_limit,     // printed more than the limit
  compile_error,    // the submission did not compile or link
  grader_error,     // the grader itself could not grade this test (not the student's fault)
};
const char* to_string(Verdict v);

struct TestResult {
  std::string name;
  std::string case_name;
  Verdict verdict = Verdict::grader_error;
  double score = 0;
  double max_score = 0;  // the test's points (an extra-credit test's count on top of the maximum)
  bool extra_credit = false;
  Visibility visibility = Visibility::visible;
  std::string message;          // what happened, written for the student
  std::string cause;            // the likely cause the grader recognised (message ends with it)
  std::string hint;             // which earlier failing tests to fix first (TestSpec::builds_on)
  std::string rubric_hint;      // the rubric's `hint:` for this test, set when it did not pass
  std::string output;           // what the submission printed (truncated)
  double seconds = 0;           // wall time of the whole test
  std::optional<double> ratio;  // timing tests: student time / reference time
  // timing tests: the CPU times compared, and the least CPU time the reference took to load a
  // round's inputs (what a load may take without being counted)
  std::optional<double> student_cpu_s, reference_cpu_s, load_cpu_s;
};

// Where a grading's wall time went, stage by stage (json: "profile"). The reference answers the
// untimed tests while the submission compiles, so `reference` overlaps `compile`.
struct Profile {
  double prepare = 0;    // rubric, every test's inputs, kit, sandbox, the submission's files
  double compile = 0;    // the compilers (running at the same time)
  double link = 0;
  double inputs = 0;     // making later rounds' inputs and sealing inputs into memfds
  double reference = 0;  // the reference runner's exchanges (its start included)
  double student = 0;    // the student runners' exchanges (their starts not included)
  double other = 0;      // the rest: starting and ending student runners, comparing, scoring
};

struct GradeReport {
  std::string assignment;
  std::string title;
  std::string submission;  // as given on the command line
  std::string sandbox;     // the isolation in force
  bool built = false;
  std::string build_log;   // compiler and linker output (truncated)
  std::vector<TestResult> tests;
  std::string error;       // set when grading as a whole failed ("autograder error")
  int hidden_not_run = 0;  // hidden tests the student mode (check) leaves out, and their points
  double hidden_not_run_points = 0;
  int timed_not_run = 0;   // speed tests check --debug leaves out (a sanitizer build is slow)
  double seconds = 0;
  Profile profile;
  GradescopeSpec gradescope;  // the rubric's settings for results.json as a whole

  double score() const;      // every test's points earned, extra credit included
  double max_score() const;  // the points of the tests that are not extra credit
  double extra_credit_points() const;  // the points the extra-credit tests offer
  int hidden_count() const;
  double hidden_points() const;
};

}  // namespace pg::grader
