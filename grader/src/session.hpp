// A conversation with one runner process: send a request frame (and, for a load, the memfd that
// holds the inputs), wait for its answer within the deadline while draining (and capping) the
// runner's stdout/stderr, and say how it ended, how long it took and how much CPU it used.
// Not what the answers mean: the grading stage turns an Exchange into a verdict.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include "sandbox.hpp"
#include "wire.hpp"

namespace pg::grader {

struct Exchange {
  enum class Status {
    answered,      // `reply` holds the runner's answer
    died,          // the runner ended before answering: see `exit`
    timeout,       // the deadline passed (the runner has been killed)
    output_limit,  // it printed more than the limit (the runner has been killed)
    bad_answer,    // the answer was not a valid frame (the runner has been killed)
  };
  Status status = Status::died;
  wire::Message reply;
  double seconds = 0;      // from the first byte sent to the last byte received, measured here
  double cpu_seconds = 0;  // CPU time the runner's processes used meanwhile, from the kernel
  ExitStatus exit;     // when died/timeout/output_limit/bad_answer
  std::string detail;  // what was wrong with a bad answer
};

// A message's payload in a sealed memfd (no more writes, no resizing). A runner maps it read-only
// instead of reading a copy from a pipe, and since nobody can change it, one serves the reference
// and the student alike.
class SealedPayload {
 public:
  explicit SealedPayload(const wire::Message& m);
  ~SealedPayload();
  SealedPayload(SealedPayload&& other) noexcept
      : fd_(std::exchange(other.fd_, -1)), bytes_(other.bytes_) {}
  SealedPayload(const SealedPayload&) = delete;
  SealedPayload& operator=(const SealedPayload&) = delete;
  int fd() const { return fd_; }
  std::size_t bytes() const { return bytes_; }
  // zlib's CRC-32 of the payload (read back from the memfd), for recorded answers' keys
  std::uint32_t crc32() const;

 private:
  int fd_ = -1;
  std::size_t bytes_ = 0;
};

class RunnerSession {
 public:
  // Starts `runner` (a path inside the sandbox) with the protocol pipes.
  RunnerSession(const SandboxPolicy& policy, SandboxConfig config);
  // Ends the runner and every process it left behind.
  ~RunnerSession();
  RunnerSession(const RunnerSession&) = delete;
  RunnerSession& operator=(const RunnerSession&) = delete;

  // Everything this call may take must fit before the session's deadline. `passed_fd`, if not
  // -1, goes along with the request's first byte (SCM_RIGHTS).
  Exchange request(const wire::Message& m, int passed_fd = -1);
  // "load" with the inputs in `inputs`.
  Exchange load(const SealedPayload& inputs) { return request({"load", {}}, inputs.fd()); }
  // The runner must answer within `seconds`, not counting the time its threads were ready to
  // run but waited for a processor that other work held (a busy machine); that time moves the
  // deadline on, up to kMaxStretch times `seconds` from now.
  void set_deadline_from_now(double seconds);
  static constexpr double kMaxStretch = 5;
  // The seconds of waiting for a processor the deadline has been moved on by so far.
  double waited_for_cpu() const { return waited_s_; }
  // The runner's stdout + stderr so far (at most limits.output_kb).
  const std::string& output() const { return output_; }
  bool output_truncated() const { return output_truncated_; }
  bool alive() const { return alive_; }
  const Limits& limits() const { return config_.limits; }

 private:
  Exchange fail(Exchange::Status s, std::string detail = "");
  void drain_output(bool& over_limit);
  void credit_waiting();
  void look_from_now();

  SandboxPolicy policy_;
  SandboxConfig config_;
  std::unique_ptr<CpuMeter> cpu_;  // removed after the child and its processes are gone
  Child child_;
  std::chrono::steady_clock::time_point deadline_;
  std::chrono::steady_clock::time_point latest_;  // the deadline never moves past this
  // the last look at the runner: when, its CPU time, its runnable threads
  std::chrono::steady_clock::time_point sampled_at_;
  double sampled_cpu_ = 0;
  int sampled_runnable_ = 0;
  double waited_s_ = 0;
  std::string output_;
  bool output_truncated_ = false;
  bool alive_ = true;
};

}  // namespace pg::grader
