// What the cases know about their usual mistakes: the tie-break rules behind a labels output,
// and, for an output that differs, what a known mistake would have returned for the same inputs.
// The cases (knn.cpp, linear.cpp, backprop.cpp) hang these on their CaseDef (`ties`, `explain`);
// grade.cpp passes them to the diagnosis (compare.hpp, Clues). Not the generic shapes of a wrong
// value (a factor, a transpose, NaN...): those are in compare.cpp.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "wire.hpp"

namespace pg::grader::mistakes {

using Ties = std::map<std::string, std::vector<std::string>>;

// kNN: distances of the wrong metric (L1 for L2, L2 or the unsigned sum for L1, the cross term
// added, squared); cross-validation folds of the wrong sizes or a training split out of order,
// best_k on a tie.
std::string distances_l2(const wire::Bundle& in, const std::string& output,
                         const wire::Bundle& expected, const wire::Bundle& got);
std::string distances_l1(const wire::Bundle& in, const std::string& output,
                         const wire::Bundle& expected, const wire::Bundle& got);
std::string cross_validate(const wire::Bundle& in, const std::string& output,
                           const wire::Bundle& expected, const wire::Bundle& got);
// y_pred: where the k-th and (k+1)-th distances tie, or the vote ties
Ties knn_vote_ties(const wire::Bundle& in);

// linear: the SVM loss counting the correct class, margins of exactly 0 counted, no hinge;
// predict's ties between classes
std::string svm_loss(const wire::Bundle& in, const std::string& output,
                     const wire::Bundle& expected, const wire::Bundle& got);
Ties score_ties(const wire::Bundle& in);

// backprop: the layers' masks, the SVM's margins of exactly 0, the update rules' steps, the
// solver's learning-rate decay
std::string relu(const wire::Bundle& in, const std::string& output, const wire::Bundle& expected,
                 const wire::Bundle& got);
std::string affine_relu(const wire::Bundle& in, const std::string& output,
                        const wire::Bundle& expected, const wire::Bundle& got);
std::string scores_svm_loss(const wire::Bundle& in, const std::string& output,
                            const wire::Bundle& expected, const wire::Bundle& got);
std::string update_rule(const std::string& rule, const wire::Bundle& in, const std::string& output,
                        const wire::Bundle& expected, const wire::Bundle& got);
std::string solver(const wire::Bundle& in, const std::string& output, const wire::Bundle& expected,
                   const wire::Bundle& got);

// the circuits: a backward pass that leaves out the scalar upstream gradient dout
std::string upstream(const wire::Bundle& in, const std::string& output,
                     const wire::Bundle& expected, const wire::Bundle& got);

// CaseDef::variants: an argument ignored or misread. Each changes the inputs and returns the
// cause for an answer that the reference gives to the changed inputs ("" when it does not apply).
std::string other_metric(wire::Bundle& in);  // knn.cross_validate: l1 for l2 and back
std::string other_kind(wire::Bundle& in);    // linear.train: svm for softmax and back
std::string k_within_test_rows(wire::Bundle& in);  // knn.predict_labels: k = min(k, M)
std::string no_lr_decay(wire::Bundle& in);   // backprop.solver_train: lr_decay = 1
std::string every_row_for_train_accuracy(wire::Bundle& in);  // num_train_samples = all rows

// kNN predict_labels: the vote with a tolerance on distances, labels below 10 only, k ± 1, the
// farthest neighbours
std::string predict_labels(const wire::Bundle& in, const std::string& output,
                           const wire::Bundle& expected, const wire::Bundle& got);

}  // namespace pg::grader::mistakes
