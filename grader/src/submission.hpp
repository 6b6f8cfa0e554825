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

// Copies each of `files` from `submission` (a folder, or a .zip) into `dest`. In a folder the
// file must be at the top, a regular file with one name (not a symlink, not a hard link); in a
// zip it may also sit in one folder (as "knn/knn.cpp") if only one entry has that name. Other
// files are ignored. Only the bytes are copied: the copies get mode 0644 and `dest` 0755, whatever
// the originals' modes and the umask, so that the sandbox's uid can read them. Throws
// SubmissionError saying what is wrong.
void collect_submission(const std::string& submission, const std::vector<std::string>& files,
                        const std::string& dest, const SubmissionLimits& limits = {});

}  // namespace pg::grader
