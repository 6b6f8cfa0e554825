// Verdict names and the report's totals.
// Not formatting: see report.cpp.
#include "result.hpp"

namespace pg::grader {

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::passed: return "passed";
    case Verdict::failed: return "failed";
    case Verdict::not_implemented: return "not_implemented";
    case Verdict::error: return "error";
    case Verdict::crashed: return "crashed";
    case Verdict::timeout: return "timeout";
    case Verdict::memory_limit: return "memory_limit";
    case Verdict::output_limit: return "output_limit";
    case Verdict::compile_error: return "compile_error";
    case Verdict::grader_error: return "grader_error";
  }
  return "grader_error";
}

double GradeReport::score() const {
  double s = 0;
  for (const auto& t : tests) s += t.score;
  return s;
}

double GradeReport::max_score() const {
  double s = 0;
  for (const auto& t : tests) s += t.extra_credit ? 0 : t.max_score;
  return s;
}

double GradeReport::extra_credit_points() const {
  double s = 0;
  for (const auto& t : tests) s += t.extra_credit ? t.max_score : 0;
  return s;
}

int GradeReport::hidden_count() const {
  int n = 0;
  for (const auto& t : tests) n += t.visibility != Visibility::visible;
  return n;
}

double GradeReport::hidden_points() const {
  double s = 0;
  for (const auto& t : tests) s += t.visibility != Visibility::visible ? t.max_score : 0;
  return s;
}

}  // namespace pg::grader
