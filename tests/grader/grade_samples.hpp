// Helpers for the end-to-end grading tests: grade a sample folder of the source tree with a rubric,
// and look at the verdicts.
#pragma once

#include <map>
#include <stdexcept>
#include <string>

#include "grade.hpp"

namespace pg::grader::testing {

inline const std::string kSource = PIXELGRAD_SOURCE_DIR;

// `submission` and `rubric` are relative to the source tree; an empty rubric means the
// assignment's own.
inline GradeReport grade_sample(const std::string& assignment, const std::string& submission,
                                const std::string& rubric = "") {
  GradeOptions o;
  o.assignment = assignment;
  o.submission = kSource + "/" + submission;
  o.rubric_path = rubric.empty() ? kSource + "/grader/rubrics/" + assignment + ".yaml"
                                 : kSource + "/" + rubric;
  o.kit_dir = std::string(PIXELGRAD_BINARY_DIR) + "/kit";
  DatasetSource data;
  GradeReport report;
  grade(o, data, report);
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

}  // namespace pg::grader::testing
