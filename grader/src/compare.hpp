// Comparing a submission's outputs with the reference's, value by value, with tolerances; and
// recognising the usual shapes of a wrong answer (a constant factor, a flipped sign, a transpose,
// right rows only, NaN or inf, a shape off by one, a wrong regularization term, labels wrong only
// at ties) so that the message can name the likely cause.
// Not the verdict (grade.cpp), and not what a case knows of its own usual mistakes (cases/), which
// reaches the diagnosis through Clues.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rubric.hpp"
#include "wire.hpp"

namespace pg::grader {

// What the grader knows besides the two values, to name the cause of a difference. grade.cpp
// builds it from the case (CaseDef) and the test's inputs; every member may be left empty.
struct Clues {
  // the student's function: messages read "your F returned …"
  std::string function;
  // N, the examples a loss (or a sum over examples) runs over; 0 when the case has none
  long examples = 0;
  // the usual cause of NaN or an infinity in this case's outputs, in words
  std::string nonfinite;
  // per labels output, per entry: the tie-break rule that decided the reference's answer there
  // ("a tied vote goes to the smallest label"; several rules one a line), or "" where nothing tied
  std::map<std::string, std::vector<std::string>> ties;
  // per output: the L2 regularization term its expected value contains, and how it is written
  // ("dW" → 2·reg·W as a matrix, "2·reg·W"; "loss" → reg·ΣW² as a real, "reg·ΣW²")
  struct Term {
    wire::Value value;
    std::string text;
  };
  std::map<std::string, Term> regularization;
  // the case's own knowledge of its usual mistakes (CaseDef::explain, bound to the test's inputs):
  // the cause in words, or ""; asked first
  std::function<std::string(const std::string& output, const wire::Value& expected,
                            const wire::Value& got)>
      explain;
};

// The first output that differs, how, and (once diagnosed) why.
struct Difference {
  std::string output;
  // "your F returned dW (15, 4): 60 of 60 values are wrong; the worst is at (7, 0): expected …,
  // got … (error …; allowed …)": shape, count, worst element, both values, the tolerance
  std::string what;
  // the likely cause in words ("your dW is exactly 0.5 × the expected value everywhere"), or ""
  std::string cause;

  // `what`, then the cause as a sentence of its own
  std::string message() const;
};

// nullopt when every expected output is present, of the same type and shape, and within
// |got - expected| <= atol + rtol * |expected| (integers and labels exactly; NaN and infinities
// only where the same is expected); otherwise the first output that differs, with `cause` empty.
// `function`, when given, makes `what` read "your F returned …".
std::optional<Difference> find_difference(const wire::Bundle& expected, const wire::Bundle& got,
                                          const CompareSpec& tol, const std::string& function = "");

// The likely cause of one output's difference, in words, or "" when no known shape fits. Pure:
// it looks only at the two values and the clues. The case's own explanation comes first, then
// NaN or inf, the shape (transposed, a row or column too many or too few), the regularization
// term, a constant factor (-1, N, 1/N, any other), zeros, a constant offset (one value: ±1), the
// square, the square root or the absolute value, a transpose, wrong only where 0 is expected,
// right rows or columns only, labels wrong only where the reference broke a tie.
std::string diagnose(const std::string& output, const wire::Value& expected, const wire::Value& got,
                     const CompareSpec& tol, const Clues& clues);

// find_difference and diagnose together: the message of the first difference, cause included.
std::optional<std::string> compare_outputs(const wire::Bundle& expected, const wire::Bundle& got,
                                           const CompareSpec& tol, const Clues& clues = {});

// A gradient check's disagreement explained: the analytic gradient `gradient` against the
// numerical one, one value per direction checked (clues.regularization[gradient], if any, holds
// the expected L2 term along the same directions as a 1 x n matrix). "" when no shape fits.
std::string diagnose_gradient(const std::string& gradient, const std::vector<double>& numerical,
                              const std::vector<double>& analytic, const Clues& clues);

// The cause of an output that is wrong only by its L2 term: got - expected is a multiple of the
// expected term ("your dW lacks the regularization term 2·reg·W"); "" when it is not.
std::string regularization_cause(const std::string& output, const wire::Value& expected,
                                 const wire::Value& got, const Clues::Term& term);

// Building blocks, also for the cases' explanations.
// k with got = k * expected in every element, to rtol (at least one expected element not 0).
std::optional<double> common_factor(const Mat& expected, const Mat& got, double rtol = 1e-7);
// Same shape and every |a - b| <= rtol * (|a| + |b|) + rtol * max|a| (finite values only).
bool nearly_equal(const Mat& a, const Mat& b, double rtol = 1e-6);

// "1.234568e-03" style numbers for messages: enough digits to see a difference.
std::string num(double v);
// "0.218 s" style durations: three significant digits.
std::string seconds(double v);

}  // namespace pg::grader
