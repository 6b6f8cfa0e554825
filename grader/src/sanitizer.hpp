// Reading what a --debug runner printed when it stopped: AddressSanitizer's and
// UndefinedBehaviorSanitizer's reports and failed assertions (Eigen's bounds checks, the standard
// library's), turned into one sentence that names the line of the student's file. Not building
// with the sanitizers (build.cpp) and not running (session.cpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace pg::grader {

struct SanitizerFinding {
  std::string what;   // "a write of 8 bytes outside an array (AddressSanitizer: heap-buffer-overflow)"
  std::string where;  // "assignments/knn/knn.cpp:31 in compute_distances_two_loops, called from
                      // assignments/knn/knn.cpp:52 in ...", or "" when no frame is in `files`
  std::string sentence() const;  // what + " at " + where (or what the report says instead)
};

// The first report in `output`, or nullopt when there is none. Frames in the submission's files
// (`/src/<file>` inside the sandbox) are named `shown_dir` + file, as the student opens them.
std::optional<SanitizerFinding> find_sanitizer_report(const std::string& output,
                                                      const std::vector<std::string>& files,
                                                      const std::string& shown_dir);

}  // namespace pg::grader
