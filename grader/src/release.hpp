// The student release (`pixelgrad release`): the folder students get. It holds the contract
// headers, skeletons, handouts and demos of the released assignments, the common code, the data
// loaders and the grader, with each released assignment's public rubric and the reference's
// recorded answers to its public tests (grader/recorded/), so that `check` works without the
// reference. It never holds reference sources or objects, hidden tests, their inputs or outputs,
// nor the grader's cases and harness of assignments not yet released.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace pg::grader {

struct ReleaseOptions {
  std::string source_dir;                // the course repository (with reference/)
  std::string output;                    // a folder that does not exist yet, or is empty
  std::vector<std::string> assignments;  // what to release; empty: all of them
  std::string kit_dir;                   // the kit whose reference runners record (default kit)
  std::function<void(const std::string&)> say;  // progress, a line at a time
};

// The assignments a release of `wanted` holds: those, and the earlier ones their code builds on
// (conv's CNN is made of the student's backprop layers; saliency's given nets need both), in the
// course's order. Throws UsageError for a name that is not an assignment.
std::vector<std::string> release_set(const std::vector<std::string>& wanted,
                                     const std::string& rubric_dir);

struct GradescopeOptions {
  std::string source_dir;  // the course repository (with reference/)
  std::string assignment;
  std::string output;  // the zip to write (replaced if it exists)
  std::function<void(const std::string&)> say;
};

// Writes a Gradescope autograder: setup.sh and run_autograder at the zip's root, beside the
// course's source for `assignment` and what it builds on (reference and whole rubric included:
// Gradescope never shows it to students). setup.sh installs the packages and builds the grader
// (for any x86-64 CPU); run_autograder grades /autograder/submission into
// /autograder/results/results.json, and writes an "autograder error" result when the grader
// itself could not. Throws UsageError for a bad request.
void make_gradescope(const GradescopeOptions& options);

// Writes the release. Throws UsageError for a bad request (an output folder that is not empty,
// a source without reference/), and when the reference does not pass a public test (recording
// its answers is grading it).
void make_release(const ReleaseOptions& options);

}  // namespace pg::grader
