// Helpers for the end-to-end grading tests: grade a sample folder of the source tree with a rubric,
// and look at the verdicts.
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <stdexcept>
#include <string>

#include "grade.hpp"
#include "report.hpp"
#include "rubric.hpp"
#include "support/temp_dir.hpp"

namespace pg::grader::testing {

inline const std::string kSource = PIXELGRAD_SOURCE_DIR;

// Where the end-to-end tests leave the report of each sample they grade with its assignment's own
// rubric, for the feedback table (test_feedback.cpp) to reuse: <a>/<sample>.json (the json
// report) and <a>/<sample>.built (when the test binary that graded it was linked: a report from a
// binary older than the grader library is stale).
inline std::filesystem::path sample_reports_dir() {
  return std::filesystem::path(PIXELGRAD_BINARY_DIR) / "sample-reports";
}

inline void keep_sample_report(const std::string& assignment, const std::string& sample,
                               const GradeReport& report) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path dir = sample_reports_dir() / assignment;
  fs::create_directories(dir, ec);
  const auto built = fs::last_write_time(fs::read_symlink("/proc/self/exe", ec), ec);
  // written aside and renamed, so that two tests grading one sample never leave half a file
  const std::string tmp = ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(dir / (sample + ".json" + tmp));
    make_writer(Format::json)->write(report, out);
  }
  std::ofstream(dir / (sample + ".built" + tmp)) << built.time_since_epoch().count() << "\n";
  fs::rename(dir / (sample + ".json" + tmp), dir / (sample + ".json"), ec);
  fs::rename(dir / (sample + ".built" + tmp), dir / (sample + ".built"), ec);
}

// `submission` and `rubric` are relative to the source tree; an empty rubric means the
// assignment's own. A sample folder holds only the files it gets wrong: the files of the rubric
// it lacks are the reference's (reference/<assignment>/, or reference/backprop/ for conv's
// "backprop/layers.cpp"), put beside its own in a temporary folder, so that a sample of a
// many-file assignment never carries stale copies of right files.
inline GradeReport grade_sample(const std::string& assignment, const std::string& submission,
                                const std::string& rubric = "") {
  namespace fs = std::filesystem;
  GradeOptions o;
  o.assignment = assignment;
  o.submission = kSource + "/" + submission;
  o.rubric_path = rubric.empty() ? kSource + "/grader/rubrics/" + assignment + ".yaml"
                                 : kSource + "/" + rubric;
  o.kit_dir = std::string(PIXELGRAD_BINARY_DIR) + "/kit";
  std::optional<pg::testing::TempDir> completed;
  if (fs::is_directory(o.submission)) {
    for (const std::string& entry : load_rubric(o.rubric_path, all_cases()).files) {
      const std::string file = submission_file_name(entry);
      if (fs::exists(fs::path(o.submission) / file)) continue;
      if (!completed) completed.emplace();
      fs::copy_file(fs::path(kSource) / "reference" / submission_file_assignment(entry, assignment) /
                        file,
                    *completed / file);
    }
    if (completed) {
      for (const auto& e : fs::directory_iterator(o.submission)) {
        fs::copy_file(e.path(), *completed / e.path().filename().string());
      }
      o.submission = completed->path().string();
    }
  }
  DatasetSource data;
  GradeReport report;
  grade(o, data, report);
  const std::string samples = "tests/submissions/" + assignment + "/";
  if (rubric.empty() && submission.starts_with(samples) &&
      submission.find('/', samples.size()) == std::string::npos) {
    keep_sample_report(assignment, submission.substr(samples.size()), report);
  }
  return report;
}

// name -> verdict of every test that did not pass
inline std::map<std::string, Verdict> not_passed(const GradeReport& r) {
  std::map<std::string, Verdict> out;
  for (const auto& t : r.tests) {
    if (t.verdict != Verdict::passed) out[t.name] = t.verdict;
  }
  return out;
}

inline const TestResult& test_named(const GradeReport& r, const std::string& name) {
  for (const auto& t : r.tests) {
    if (t.name == name) return t;
  }
  throw std::runtime_error("no test named " + name);
}

// The reference: built, every test passed, full marks (and every extra-credit point).
inline void expect_full_marks(const GradeReport& r) {
  ASSERT_TRUE(r.built) << r.build_log;
  EXPECT_EQ(not_passed(r), (std::map<std::string, Verdict>{}));
  EXPECT_EQ(r.score(), r.max_score() + r.extra_credit_points());
}

// The untouched skeleton: built, score 0, every test not_implemented.
inline void expect_all_not_implemented(const GradeReport& r) {
  ASSERT_TRUE(r.built) << r.build_log;
  EXPECT_EQ(r.score(), 0);
  for (const auto& t : r.tests) {
    EXPECT_EQ(t.verdict, Verdict::not_implemented) << t.name << ": " << t.message;
  }
}

// A buggy sample folder and the names of the tests it must lose (every other test must pass).
struct Buggy {
  const char* sample;
  std::set<std::string> loses;
};
inline void PrintTo(const Buggy& b, std::ostream* os) { *os << b.sample; }

// Every test not in `loses` passed and every one in it failed (a wrong answer, not a crash;
// `errors`: these may also end in an error the submission's own checks threw).
inline void expect_loses_exactly(const GradeReport& r, const std::set<std::string>& loses,
                                 const std::set<std::string>& errors = {}) {
  ASSERT_TRUE(r.built) << r.build_log;
  std::set<std::string> lost;
  for (const auto& [name, verdict] : not_passed(r)) {
    lost.insert(name);
    if (errors.count(name) && verdict == Verdict::error) continue;
    EXPECT_EQ(verdict, Verdict::failed) << name << ": " << test_named(r, name).message;
  }
  EXPECT_EQ(lost, loses);
}

}  // namespace pg::grader::testing
