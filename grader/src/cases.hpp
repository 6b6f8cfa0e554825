// The trusted side of a case: what arguments it takes, how it builds inputs from them and a seed,
// and how its outputs are compared. The runner side (grader/harness/) only calls the function.
// Not the rubric (which picks cases and arguments) and not the comparison arithmetic (compare.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "rubric.hpp"
#include "wire.hpp"

namespace pg::grader {

// Real data for cases that ask for it; loaded on first use and kept.
class DataSource {
 public:
  virtual ~DataSource() = default;
  // The first n_train training and n_test test images of Fashion-MNIST, raw 0..255, and labels.
  virtual void fashion_mnist(long n_train, long n_test, Mat& X_train, IVec& y_train, Mat& X_test,
                             IVec& y_test) = 0;
};

struct ArgDef {
  ArgValue default_value;  // its type is the argument's type
  std::string help;
};

// Which outputs of a case are a scalar loss and its gradient with respect to one input: what a
// rubric's gradcheck needs to differentiate the submission's own loss numerically.
struct GradientOf {
  std::string loss;      // output name of the scalar (a real)
  std::string gradient;  // output name of d loss / d input (a matrix shaped like the input)
};

struct CaseDef {
  std::string name;      // "knn.distances_no_loops"
  std::string function;  // what the student wrote: "compute_distances_no_loops"
  std::map<std::string, ArgDef> args;
  // builds the inputs sent to both runners; throws std::invalid_argument on bad argument values
  std::function<wire::Bundle(const Args&, std::uint64_t seed, DataSource&)> make_inputs;
  // input name -> its loss and gradient outputs, for the inputs a gradcheck may perturb
  std::map<std::string, GradientOf> gradients = {};
  // inputs the grader keeps (never sent to a runner), for `derive`
  std::vector<std::string> private_inputs = {};
  // outputs computed by the grader from the inputs and a runner's outputs (for both runners), so
  // that a number a threshold judges is never one a submission reports about itself
  std::function<void(const wire::Bundle& inputs, wire::Bundle& outputs)> derive = {};

  // What helps the grader name the cause of a wrong answer (compare.hpp, Clues).
  // the input whose rows are the N examples a loss runs over: "N times the expected: is a 1/N
  // missing?" uses the real N
  std::string examples_input = {};
  // the input holding the L2 strength: a comparison test with reg > 0 that fails is run again
  // with reg = 0, to tell a wrong regularization term from the rest
  std::string reg_input = {};
  // the inputs the L2 term reg·ΣP² covers; their gradients are the outputs named in `gradients`
  std::vector<std::string> regularized = {};
  // the usual cause of NaN or inf in this case's outputs, in words
  std::string nonfinite = {};
  // per labels output, per entry: the tie-break rule that decides the right answer there, or ""
  std::function<std::map<std::string, std::vector<std::string>>(const wire::Bundle& inputs)> ties =
      {};
  // the case's own usual mistakes (cases/mistakes.hpp): given the inputs, the name of an output
  // that differs and both runners' outputs, the cause in words, or ""
  std::function<std::string(const wire::Bundle& inputs, const std::string& output,
                            const wire::Bundle& expected, const wire::Bundle& got)>
      explain = {};
  // inputs an argument the submission may ignore or misread would give: when a comparison test
  // fails without a cause, the reference is asked with each changed copy of the inputs (at most
  // three), and if the submission's answer is the reference's for one of them, that one's cause is
  // given. Each function changes `inputs` and returns the cause, or "" when it does not apply.
  std::vector<std::function<std::string(wire::Bundle& inputs)>> variants = {};
};

class CaseCatalog {
 public:
  void add(CaseDef def);
  const CaseDef* find(const std::string& name) const;
  std::vector<std::string> names() const;

 private:
  std::map<std::string, CaseDef> cases_;
};

// Every case the grader knows, for every assignment.
const CaseCatalog& all_cases();

// Adds the cases of one assignment (one file per assignment in grader/src/cases/).
void add_knn_cases(CaseCatalog& catalog);
void add_linear_cases(CaseCatalog& catalog);
void add_backprop_cases(CaseCatalog& catalog);
void add_conv_cases(CaseCatalog& catalog);
void add_saliency_cases(CaseCatalog& catalog);

// Typed access to filled-in arguments (the loader guarantees presence and type).
std::int64_t arg_int(const Args& a, const std::string& name);
double arg_real(const Args& a, const std::string& name);
bool arg_bool(const Args& a, const std::string& name);
const std::string& arg_text(const Args& a, const std::string& name);
const std::vector<std::int64_t>& arg_ints(const Args& a, const std::string& name);

}  // namespace pg::grader
