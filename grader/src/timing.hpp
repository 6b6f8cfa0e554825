// What a timed test compares: the CPU time of each run of the reference and of the student, and
// how a run's loading of its inputs is counted. Not the running itself (grade.cpp runs the rounds,
// session.cpp measures each exchange with the kernel's accounting).
#pragma once

#include <vector>

namespace pg::grader {

// The CPU time of one run: loading its inputs, and the call.
struct RunCost {
  double load = 0;
  double call = 0;
};

struct TimeComparison {
  double student = 0;    // the student's fastest counted run, CPU seconds
  double reference = 0;  // the reference's fastest counted run
  double allowance = 0;  // the least CPU time the reference took to load a round's inputs
  double ratio = 0;      // student / reference
};

// A run counts its call, plus whatever its load took beyond `allowance`: loading is the same
// harness code on both sides, so only extra work done while "loading" (computing ahead of the
// call) is added. The fastest run of each side counts. Both lists must be non-empty.
TimeComparison compare_times(const std::vector<RunCost>& reference,
                             const std::vector<RunCost>& student);

}  // namespace pg::grader
