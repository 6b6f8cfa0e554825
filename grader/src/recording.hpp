// Recorded reference answers: what a student release's grader compares with, since a release holds
// no reference code. `pixelgrad release` grades the reference on the public tests with a live
// reference runner and keeps every answer it gave (the outputs and the CPU time of the load and
// of the call), keyed by the case and the exact bytes of the inputs sent; a release's grader
// looks them up instead of asking a runner. Not the grading itself (grade.cpp).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>

#include "timing.hpp"
#include "wire.hpp"

namespace pg::grader {

// A recording that cannot be read: what() names the file and what is wrong with it.
class RecordingError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RecordedAnswer {
  wire::Bundle outputs;
  RunCost cost;  // CPU seconds on the recording machine
  // a timed answer: calibration_seconds() measured right after it, in the same conditions (0 for
  // an untimed one). Replaying scales `cost` by a calibration measured right before the
  // submission's run over this one, so that a busy or slower machine counts for both sides.
  double calibration_s = 0;
};

class Recording {
 public:
  // What an answer is filed under: the case, the inputs payload's size and its CRC-32 (zlib's).
  static std::string key(const std::string& case_name, std::size_t bytes, std::uint32_t crc);
  static std::uint32_t crc_of(const char* bytes, std::size_t size);

  // Thread-safe.
  void put(const std::string& key, wire::Bundle outputs, RunCost cost, double calibration_s = 0);
  const RecordedAnswer* find(const std::string& key) const;
  std::size_t size() const { return answers_.size(); }

  std::string assignment;

  // gzip-compressed PGW1 frames: a header, then one frame per answer.
  void save(const std::string& path) const;
  static std::unique_ptr<Recording> load(const std::string& path);

 private:
  std::map<std::string, RecordedAnswer> answers_;
  mutable std::mutex mutex_;
};

// How long a fixed piece of work (matrix products and a pass over memory) takes this process's
// thread in CPU seconds, the fastest of a few tries: what stands in for the reference's run when
// its time is replayed (RecordedAnswer::calibration_s). An estimate, which is why a release's
// speed tests say so.
double calibration_seconds();

// Where a rubric folder's recordings are: <rubric dir>/../recorded/<assignment>.pgr
std::string recording_path(const std::string& rubric_dir, const std::string& assignment);

}  // namespace pg::grader
