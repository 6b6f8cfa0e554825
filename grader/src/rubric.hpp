// A rubric as plain data, and the loader that validates a YAML file into it.
// Not scoring (grade.cpp) and not the cases' inputs (cases/): a rubric only names them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sandbox.hpp"

namespace pg::grader {

class CaseCatalog;

// A rubric that cannot be used; what() reads "file:line:column: what is wrong".
class RubricError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Visibility { visible, hidden, after_due_date, after_published };
const char* to_string(Visibility v);
// "hidden", "after_due_date", "after_published" or "visible" (Gradescope's names), else nullopt
std::optional<Visibility> parse_visibility(std::string_view name);

// Gradescope's settings for results.json as a whole (the rubric's `gradescope:` key): when
// students see the results, and whether they see what the autograder printed.
struct GradescopeSpec {
  Visibility visibility = Visibility::visible;
  Visibility stdout_visibility = Visibility::hidden;
};

// A case argument from the rubric's `args:` map.
using ArgValue = std::variant<std::int64_t, double, bool, std::string, std::vector<std::int64_t>>;
using Args = std::map<std::string, ArgValue>;

struct CompareSpec {
  double rtol = 1e-9;
  double atol = 1e-12;
};

struct TimingSpec {
  double max_ratio_to_reference = 3.0;  // student time / reference time, both measured here
  int repeats = 3;                      // the fastest of `repeats` runs counts, for each side
};

// A numerical gradient check of the submission's own loss (no reference involved).
struct GradCheckSpec {
  enum class Mode {
    full,        // every coordinate of the input
    sparse,      // `samples` coordinates drawn at random
    projection,  // `samples` random directions u: (f(x + hu) - f(x - hu)) / 2h against <grad, u>
  };
  std::string wrt = "W";   // the input differentiated
  Mode mode = Mode::sparse;
  int samples = 20;
  double step = 1e-5;
  double max_rel_error = 1e-7;
};
const char* to_string(GradCheckSpec::Mode m);

// An output that must reach a bound instead of matching the reference (a trained model's
// accuracy, say); the reference's value is shown beside it.
struct ThresholdSpec {
  std::string output;
  std::optional<double> min, max;
};

struct TestSpec {
  std::string name;
  std::string case_name;
  Args args;  // every argument of the case, defaults filled in
  std::uint64_t seed = 0;
  double points = 0;
  CompareSpec compare;
  std::optional<TimingSpec> timing;
  std::optional<GradCheckSpec> gradcheck;
  std::optional<ThresholdSpec> threshold;
  Limits limits;
  Visibility visibility = Visibility::visible;
  // earlier tests whose functions this test runs too (the net test runs the layers): when this
  // test does not pass and one of those did not either, the report says to fix that one first
  std::vector<std::string> builds_on;
  // the usual cause of failing this test, in the instructor's words: shown when it does not pass
  std::string hint;
  // points on top of the maximum: earned when the test passes, never lost (the fast conv path)
  bool extra_credit = false;
  int line = 0;  // where the test starts in the rubric file
};

struct Rubric {
  std::string path;
  std::string assignment;
  std::string title;
  // what a student hands in: "knn.cpp" is assignments/<assignment>/knn.cpp, and
  // "backprop/layers.cpp" a file of an earlier assignment the code builds on (conv's CNN is made
  // of the student's own backprop layers). No two have the same file name.
  std::vector<std::string> files;
  Limits limits;                   // defaults for every test
  Limits build;                    // compiling and linking a submission
  std::vector<TestSpec> tests;
  GradescopeSpec gradescope;
  // A student release's public rubric holds no hidden test; `hidden:` says how many it left out
  // and what they are worth, for the reports
  int hidden_tests = 0;
  double hidden_points = 0;

  // the maximum score: every test's points but the extra credit's
  double total_points() const;
};

// The file name of a submission.files entry ("layers.cpp" for "backprop/layers.cpp"), and the
// assignment whose folder holds it (`own` for a plain name).
std::string submission_file_name(const std::string& entry);
std::string submission_file_assignment(const std::string& entry, const std::string& own);
// How messages name a submission.files entry, given what they call the assignment's own folder
// (BuildView::shown_dir: "" or "assignments/conv/"): "conv.cpp" is shown_dir + "conv.cpp", and
// "backprop/layers.cpp" is "assignments/backprop/layers.cpp", or "layers.cpp" with no folder.
std::string shown_submission_file(const std::string& shown_dir, const std::string& entry);

// Reads and validates a rubric: unknown or duplicate keys, duplicate test names, unknown cases or
// case arguments, wrong types, non-positive points or limits are RubricErrors with line and column.
Rubric load_rubric(const std::string& path, const CaseCatalog& catalog);
Rubric parse_rubric(const std::string& yaml_text, const std::string& path_for_messages,
                    const CaseCatalog& catalog);

}  // namespace pg::grader
