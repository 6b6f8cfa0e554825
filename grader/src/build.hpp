// Building a submission into a runner: its files compiled in a sandbox that sees only them, the
// contract headers and the system; then linked with the kit's harness in a second sandbox.
// Not running it (session.hpp) and not finding its files (submission.hpp).
#pragma once

#include <string>
#include <vector>

#include "rubric.hpp"
#include "sandbox.hpp"

namespace pg::grader {

// The kit: headers, harness libraries, reference runners and the compiler flags they were built
// with, assembled by CMake in <build>/kit.
struct Kit {
  std::string dir;
  std::string cxx;
  std::vector<std::string> cxxflags;
  std::vector<std::string> libs;
  std::string precompiled;  // a header under include/ with its .gch beside it, or ""
  std::string include_dir() const { return dir + "/include"; }
  std::string lib_dir() const { return dir + "/lib"; }
  std::string reference_runner(const std::string& assignment) const;
};

// Reads <dir>/toolchain.txt; throws std::runtime_error saying how to build the kit if it is absent.
Kit load_kit(const std::string& dir);
// $PIXELGRAD_KIT, else the kit of the build tree this grader was built in.
std::string default_kit_dir();

struct BuildResult {
  bool ok = false;
  std::string log;      // the compiler's (or linker's) output, at most build.output_kb per step
  std::string stopped;  // why a step ended without its errors saying so (out of time, killed,
                        // a failed link), a line each; "" when the compiler's errors tell it all
  std::string runner;   // host path of the runner binary, when ok
  double seconds = 0;   // compile_seconds + link_seconds
  double compile_seconds = 0, link_seconds = 0;  // wall time of each step
};

// How a build sees the contract and names the submission's files, beyond the kit.
struct BuildView {
  // a folder of contract headers (<assignment>/<header>.hpp, common/...) searched before the
  // kit's, or "": `pixelgrad check` puts the course's versions there, whatever the working tree
  // (and so the kit) holds
  std::string contract_dir;
  // what compiler messages call the folder of the submission's files: "" gives "knn.cpp:31:60"
  // (grade: as in the submission), "assignments/knn/" gives "assignments/knn/knn.cpp:31:60"
  // (check: the file the student edits), never the sandbox's "/src/knn.cpp"
  std::string shown_dir;
  // check --debug: compiled at -O1 with -g, AddressSanitizer and UndefinedBehaviorSanitizer,
  // without -DNDEBUG (Eigen's bounds checks on) and with the standard library's assertions, and
  // linked with the sanitizers' runtimes; no precompiled header (it was built with other flags)
  bool debug = false;
};

// The compiler flags of a --debug build, from the kit's: the same ABI (-march, -std, Eigen's
// settings), another optimisation level, the sanitizers, the assertions.
std::vector<std::string> debug_flags(const std::vector<std::string>& kit_flags);
// What a --debug build links with beyond the kit's libraries.
inline constexpr const char* kSanitizers = "-fsanitize=address,undefined";

// Compiles source_dir/<rubric.files> and links the runner into out_dir (which must exist). The
// files are compiled at the same time, one compiler each, as many at once as there are cores.
BuildResult build_submission(const Kit& kit, const Rubric& rubric, const std::string& source_dir,
                             const std::string& out_dir, const SandboxPolicy& policy,
                             const BuildView& view = {});

// `log` with the paths of the submission's files (rubric entries) as the compiler saw them
// (`/src/knn.cpp`, or `source_dir/knn.cpp` without bubblewrap) written as shown_submission_file
// names them (`shown_dir` + "knn.cpp").
std::string with_shown_paths(std::string log, const std::vector<std::string>& files,
                             const std::string& source_dir, const std::string& shown_dir);

// The first `n` error lines of a build log, in order: the compiler's `error:` and `fatal error:`
// lines and the linker's undefined or multiple definitions, each message once (a file that
// includes itself gets the same error at every #include). "collect2: error: ld returned 1 exit
// status" only when there is no other.
std::vector<std::string> error_lines(const std::string& log, std::size_t n);

// What a failed build's message leads with: `stopped`, then the log's first three error lines
// (each cut at 400 bytes) and, for a file that includes itself, which #include loops and what to
// do; else the log's first line that is not blank.
std::string failure_reason(const BuildResult& build);

// The lines of a log or of a runner's output, without their newlines.
std::vector<std::string> lines_of(const std::string& text);

// The log as a student reads it: without the chains of "In file included from" lines (200 of
// them before the first error of a file that includes itself) and without trailing blank lines.
std::string readable_log(const std::string& log);

}  // namespace pg::grader
