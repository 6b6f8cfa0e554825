// Grading one submission, stage by stage: load the rubric, collect the files, build, run each
// test against the reference in sandboxes, compare, time, score. Not the report formats
// (report.hpp) and not the command line (main.cpp).
#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cases.hpp"
#include "recording.hpp"
#include "result.hpp"
#include "rubric.hpp"

namespace pg::grader {

// A problem with how the grader was asked to grade (bad rubric, missing submission file, missing
// dataset): exit status 2, with a message that says what to do.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct GradeOptions {
  std::string assignment;
  std::string submission;      // folder or .zip
  std::string rubric_path;     // empty: <rubric dir>/<assignment>.yaml
  std::string kit_dir;         // empty: default_kit_dir()
  bool public_only = false;    // student mode: only visible tests run
  std::string contract_dir;    // headers compiled against before the kit's (BuildView), or ""
  std::string shown_dir;       // how compiler messages name the files' folder (BuildView)
  bool debug = false;          // check --debug: a sanitizer build (BuildView::debug), more time
                               // and memory for each run, no speed tests
  int slot = -1;               // sandbox slot (and uid); -1 takes the lowest free one
  // Recorded reference answers (recording.hpp) used instead of a reference runner; when null and
  // the kit has no reference runner for the assignment (a student release), the recording next
  // to the rubric's folder (<rubrics>/../recorded/<assignment>.pgr) is used.
  const Recording* recorded = nullptr;
  Recording* record_into = nullptr;  // not null: every answer the reference runner gives is kept
  std::function<void(const TestResult&)> on_test;  // progress, called after each test
};

// The folder holding <assignment>.yaml for this build.
std::string default_rubric_dir();

// Loads Fashion-MNIST through datasets/ on first use and keeps it.
class DatasetSource : public DataSource {
 public:
  void fashion_mnist(long n_train, long n_test, Mat& X_train, IVec& y_train, Mat& X_test,
                     IVec& y_test) override;

 private:
  long loaded_train_ = -1, loaded_test_ = -1;
  Mat X_train_, X_test_;
  IVec y_train_, y_test_;
};

// Grades and returns the report. Configuration problems throw UsageError; a misbehaving
// submission never throws: it gets verdicts. `report` is filled as far as grading got even when
// it throws, so that a results file can still be written.
void grade(const GradeOptions& options, DataSource& data, GradeReport& report);

// Sets results.back().hint (the result of specs[results.size() - 1]) when that test did not pass
// and tests it builds_on did not pass either, and then drops its rubric_hint (the usual cause
// assumes the code underneath works); a hidden prerequisite is named only under a test that is
// not visible itself. Called by grade() after each test.
void point_to_prerequisites(const TestSpec& t, const std::vector<TestSpec>& specs,
                            std::vector<TestResult>& results);

}  // namespace pg::grader
