// Taking in a submission: the files a rubric names, from a folder or a zip archive, copied into
// the grader's work folder. Archives are read defensively. Not the build (build.hpp).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace pg::grader {

// A submission that cannot be graded as given (missing file, unsafe or oversized archive).
class SubmissionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SubmissionLimits {
  long max_entries = 2000;             // entries in an archive
  long max_total_bytes = 64L << 20;    // all entries unpacked
  long max_file_bytes = 1L << 20;      // one submitted source file
};

// Copies each of `files` from `submission` (a folder, or a .zip) into `dest`.
// Where a file may be, in this order:
// - a folder: at its top ("knn.cpp"), else where a student's repository has it
//   ("assignments/knn/knn.cpp", when `assignment` is given). It must be a regular file with one
//   name (not a symlink, not a hard link), reached through real folders (no symlinked folder);
// - a zip: at the top or in one folder ("alice/knn.cpp"), or laid out like the repository
//   ("assignments/knn/knn.cpp" or "<repo>-main/assignments/knn/knn.cpp"), if only one entry has
//   that name in those places.
// Other files are ignored. Only the bytes are copied: the copies get mode 0644 and `dest` 0755,
// whatever the originals' modes and the umask, so that the sandbox's uid can read them. Throws
// SubmissionError saying what is wrong: a damaged archive is named, with the entry it broke in.
void collect_submission(const std::string& submission, const std::vector<std::string>& files,
                        const std::string& dest, const SubmissionLimits& limits = {},
                        const std::string& assignment = "");

}  // namespace pg::grader
