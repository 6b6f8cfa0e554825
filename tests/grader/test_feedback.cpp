// docs/feedback.md: what a student reads when a sample submission fails. One row per failed test
// of every sample under tests/submissions/{knn,linear,backprop,conv,saliency}/ (found by listing the
// folders), from real gradings: the reports the end-to-end tests leave (grade_samples.hpp), or a
// grading here when a sample has no fresh one. The test fails when the file is out of date, and
// when fewer than three quarters of the messages state a specific cause.
// PIXELGRAD_UPDATE_FEEDBACK=1 rewrites the file instead.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "grade_samples.hpp"

namespace pg::grader {
namespace {

namespace fs = std::filesystem;
using namespace pg::grader::testing;

const char* const kAssignments[] = {"knn", "linear", "backprop", "conv", "saliency"};

// one failed test of one sample, as the report has it
struct Row {
  std::string assignment, sample, test, verdict, message, cause, hint, rubric_hint;
  bool timed = false;  // the message holds measured times
};

std::vector<Row> rows_of(const std::string& assignment, const std::string& sample,
                         const GradeReport& r) {
  std::vector<Row> rows;
  for (const TestResult& t : r.tests) {
    if (t.verdict == Verdict::passed) continue;
    rows.push_back({assignment, sample, t.name, to_string(t.verdict), t.message, t.cause, t.hint,
                    t.rubric_hint, t.ratio.has_value()});
  }
  return rows;
}

fs::file_time_type::rep mtime(const fs::path& p) {
  std::error_code ec;
  return fs::last_write_time(p, ec).time_since_epoch().count();
}

// the newest of the files a sample's grading depends on, besides the grader library: the rubric,
// the sample, the reference files that complete it, the kit
fs::file_time_type::rep newest_input(const std::string& assignment, const fs::path& sample) {
  auto newest = mtime(fs::path(kSource) / "grader" / "rubrics" / (assignment + ".yaml"));
  for (const fs::path& dir : {sample, fs::path(kSource) / "reference" / assignment,
                              fs::path(PIXELGRAD_BINARY_DIR) / "kit"}) {
    for (const auto& e : fs::recursive_directory_iterator(dir)) newest = std::max(newest, mtime(e));
  }
  return newest;
}

// the rows of the report an end-to-end test left, if it is newer than everything it depends on
std::optional<std::vector<Row>> kept_rows(const std::string& assignment, const fs::path& sample) {
  const std::string name = sample.filename().string();
  const fs::path json = sample_reports_dir() / assignment / (name + ".json");
  const fs::path built = sample_reports_dir() / assignment / (name + ".built");
  if (!fs::exists(json) || !fs::exists(built)) return std::nullopt;
  fs::file_time_type::rep linked = 0;
  std::ifstream(built) >> linked;
  const auto library = mtime(fs::path(PIXELGRAD_BINARY_DIR) / "grader" / "libpixelgrad_grader.a");
  if (linked < library || mtime(json) <= newest_input(assignment, sample)) return std::nullopt;
  std::ifstream in(json);
  std::stringstream text;
  text << in.rdbuf();
  try {
    return rows_of(assignment, name, read_json_report(text.str()));
  } catch (const ReportError&) {
    return std::nullopt;
  }
}

// ---- the table ------------------------------------------------------------------------------

// Measured times change from run to run and the last digits of a number from machine to machine:
// times become "…", other decimals keep four significant digits. Where a value came out NaN,
// which entries did depends on the order in which the processor's BLAS kernel summed (a
// duplicate's ‖a‖² + ‖b‖² − 2a·b rounds below 0 or not): the count and the place become "…".
std::string steady(const std::string& message, bool timed) {
  std::string s = message.substr(0, message.find('\n'));
  if (s.find("got -nan") != std::string::npos || s.find("got nan") != std::string::npos) {
    s = std::regex_replace(s, std::regex(R"([0-9]+ of ([0-9]+) values are wrong; the worst is at \([^)]*\))"),
                           "… of $1 values are wrong; the worst is at (…)");
    s = std::regex_replace(s, std::regex("-nan"), "nan");
  }
  // the CPU time a threshold test's training run took
  s = std::regex_replace(s, std::regex(R"(your run took [0-9.]+ s of CPU time)"),
                         "your run took … s of CPU time");
  if (timed) {
    s = std::regex_replace(s, std::regex(R"([0-9.]+(e[-+]?[0-9]+)? s\b)"), "… s");
    s = std::regex_replace(s, std::regex(R"([0-9.]+ times as much)"), "… times as much");
  }
  std::string out;
  const std::regex decimal(R"(-?[0-9]+\.[0-9]+(e[-+]?[0-9]+)?)");
  auto it = std::sregex_iterator(s.begin(), s.end(), decimal);
  std::size_t last = 0;
  for (; it != std::sregex_iterator(); ++it) {
    out += s.substr(last, static_cast<std::size_t>(it->position()) - last);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", std::stod(it->str()));
    out += buf;
    last = static_cast<std::size_t>(it->position() + it->length());
  }
  out += s.substr(last);
  if (out.size() > 700) out = out.substr(0, 700) + " […]";
  return out;
}

std::string cell(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

// yes: the grader named a cause from the answer; not implemented: it says so; prerequisite: a
// test this one builds on failed and the message says to fix that first; no: none of these
std::string stated(const Row& r) {
  if (!r.cause.empty()) return "yes";
  if (r.verdict == "not_implemented") return "not implemented";
  if (!r.hint.empty()) return "prerequisite";
  return "no";
}

std::string table(const std::vector<Row>& rows) {
  int yes = 0, todo = 0, prerequisite = 0;
  for (const Row& r : rows) {
    const std::string s = stated(r);
    yes += s == "yes";
    todo += s == "not implemented";
    prerequisite += s == "prerequisite";
  }
  const int with_cause = yes + todo + prerequisite;
  std::ostringstream out;
  out << "# Feedback on the buggy samples\n\n"
         "What a student reads when a sample submission fails a test: one row per failed test of "
         "every sample under `tests/submissions/knn/`, `linear/`, `backprop/` and `conv/`, graded "
         "with the assignment's rubric. The message is the report's first line; times measured in the run "
         "are shown as `…` and other decimals to four significant digits. Under it, in italics, "
         "the hints the report adds: the tests this one builds on that failed too (`builds_on`), "
         "and the rubric's `hint:`.\n\n"
         "The last column says whether the message states a specific cause: **yes** when the "
         "grader recognised the shape of the wrong answer (a factor, a sign, a transpose, the "
         "rows that are wrong, NaN, a shape off by one, the regularization term, ties) or a "
         "case's usual mistake, or gives the usual cause of a slow answer; **prerequisite** when "
         "the report says which failing test this one builds on should be fixed first; **not "
         "implemented** when the function still throws `pg::NotImplemented`; **no** otherwise.\n\n"
         "Written by the test `feedback.docs_feedback_md_lists_the_failing_messages_of_every_"
         "sample` (`tests/grader/test_feedback.cpp`) from real gradings; do not edit it by hand. "
         "When it is out of date, run `PIXELGRAD_UPDATE_FEEDBACK=1 ctest -R '^feedback\\.'` in "
         "the build folder.\n\n"
      << with_cause << " of " << rows.size() << " messages state a specific cause: " << yes
      << " recognised from the answer, " << prerequisite << " a failing prerequisite, " << todo
      << " not implemented; " << rows.size() - static_cast<std::size_t>(with_cause)
      << " state none.\n\n"
      << "| assignment | sample | test | verdict | message | cause stated |\n"
      << "|---|---|---|---|---|---|\n";
  for (const Row& r : rows) {
    std::string message = steady(r.message, r.timed);
    if (!r.hint.empty()) message += "<br>*" + steady(r.hint, false) + "*";
    if (!r.rubric_hint.empty()) message += "<br>*hint: " + steady(r.rubric_hint, false) + "*";
    out << "| " << r.assignment << " | " << r.sample << " | " << cell(r.test) << " | " << r.verdict
        << " | " << cell(message) << " | " << stated(r) << " |\n";
  }
  return out.str();
}

// the first line where two texts differ, for the failure message
std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream sa(a), sb(b);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(sa, la));
    const bool more_b = static_cast<bool>(std::getline(sb, lb));
    if (!more_a && !more_b) return "";
    if (!more_a || !more_b || la != lb) {
      return "line " + std::to_string(line) + ":\n  in the file: " + (more_a ? la : "(end)") +
             "\n  graded now:  " + (more_b ? lb : "(end)");
    }
  }
}

TEST(feedback, messages_keep_four_digits_and_leave_out_measured_times) {
  EXPECT_EQ(steady("returned dists (12, 30): 4 of 360 values are wrong; the worst is at (0, 0): "
                   "expected 0, got -nan (error nan)",
                   false),
            "returned dists (12, 30): … of 360 values are wrong; the worst is at (…): expected 0, "
            "got nan (error nan)");
  EXPECT_EQ(steady("expected 0.155295029, got 6.211801162 (error 7.958355477e-05; 1e-12)", false),
            "expected 0.1553, got 6.212 (error 7.958e-05; 1e-12)");
  EXPECT_EQ(steady("your f used 1.29 s of CPU time in its fastest of 5 runs, the reference "
                   "0.0964 s: 13.40 times as much, at most 3 allowed\nsecond line",
                   true),
            "your f used … s of CPU time in its fastest of 5 runs, the reference … s: … times as "
            "much, at most 3 allowed");
}

TEST(feedback, docs_feedback_md_lists_the_failing_messages_of_every_sample) {
  std::vector<Row> rows;
  int kept = 0, graded = 0;
  for (const char* assignment : kAssignments) {
    std::vector<fs::path> samples;
    for (const auto& e :
         fs::directory_iterator(fs::path(kSource) / "tests" / "submissions" / assignment)) {
      if (e.is_directory()) samples.push_back(e.path());
    }
    std::sort(samples.begin(), samples.end());
    for (const fs::path& sample : samples) {
      std::optional<std::vector<Row>> r = kept_rows(assignment, sample);
      if (r) {
        ++kept;
      } else {
        ++graded;
        const std::string name = sample.filename().string();
        r = rows_of(
            assignment, name,
            grade_sample(assignment, std::string("tests/submissions/") + assignment + "/" + name));
      }
      rows.insert(rows.end(), r->begin(), r->end());
    }
  }
  std::cout << kept << " samples from the reports the end-to-end tests left, " << graded
            << " graded here\n";
  const std::string now = table(rows);
  const fs::path doc = fs::path(kSource) / "docs" / "feedback.md";
  if (const char* update = std::getenv("PIXELGRAD_UPDATE_FEEDBACK"); update && *update) {
    std::ofstream(doc) << now;
  } else {
    std::ifstream in(doc);
    std::stringstream was;
    was << in.rdbuf();
    EXPECT_EQ(was.str(), now) << "docs/feedback.md is out of date; first difference at "
                              << first_difference(was.str(), now)
                              << "\nRewrite it with PIXELGRAD_UPDATE_FEEDBACK=1 ctest -R "
                                 "'^feedback\\.' in the build folder.";
  }
  std::string none;
  int with_cause = 0;
  for (const Row& r : rows) {
    if (stated(r) != "no") {
      ++with_cause;
    } else {
      none += "\n  " + r.assignment + "/" + r.sample + ", '" + r.test + "': " + r.message;
    }
  }
  EXPECT_GE(4 * with_cause, 3 * static_cast<int>(rows.size()))
      << "fewer than three quarters of the messages state a cause; these state none:" << none;
}

}  // namespace
}  // namespace pg::grader
