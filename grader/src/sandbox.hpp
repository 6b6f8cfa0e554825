// Starting untrusted processes (compilers, runners) in a sandbox: bubblewrap namespaces when it
// works here, always rlimits, an unprivileged uid when the grader is root, a wall-clock kill.
// Not the protocol spoken with a runner (session.hpp) and not what a verdict means (grade.cpp).
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cgroup.hpp"

namespace pg::grader {

struct Limits {
  double wall_s = 10;      // wall clock, from start to the end of the last answer
  double cpu_s = 0;        // RLIMIT_CPU, soft = hard; 0 means wall_s + 1
  long memory_mb = 1024;   // RLIMIT_AS
  long output_kb = 64;     // stdout + stderr kept; more than this is output_limit
  long file_mb = 16;       // RLIMIT_FSIZE: the largest file it may write
  long stack_mb = 64;      // RLIMIT_STACK
  long max_procs = 32;     // RLIMIT_NPROC, enforced when the process runs under its own uid
  long max_files = 64;     // RLIMIT_NOFILE
};

// A host folder visible inside the sandbox at `inside` (read-only unless writable).
struct Mount {
  std::string host;
  std::string inside;
  bool writable = false;
};

struct SandboxConfig {
  std::vector<std::string> argv;  // argv[0] is a path inside the sandbox
  std::vector<Mount> mounts;
  std::string workdir = "/tmp";   // inside the sandbox
  Limits limits;
  bool with_dev = true;           // a minimal /dev (null, zero, urandom...); off for compilers
  bool protocol_pipes = false;    // fd 3 (requests in: a unix socket, which can pass a memfd)
                                  // and fd 4 (answers out: a pipe)
  int cgroup_join_fd = -1;        // cgroup.procs of the cgroup to start in (CpuMeter::join_fd)
  double cores = 1;               // CPU share of the whole sandbox where a cpu cgroup is in force
  // RLIMIT_AS at limits.memory_mb; off for a runner built with AddressSanitizer, which reserves
  // terabytes of address space it never touches (a memory cgroup still caps what it uses)
  bool limit_address_space = true;
  std::vector<std::string> env;   // NAME=value, beyond the few every sandboxed process gets
};

// How processes are isolated on this machine, decided once per grader.
struct SandboxPolicy {
  bool use_bwrap = false;
  std::string bwrap;   // path of the bwrap binary
  int uid = -1;        // run as this uid/gid (only when the grader is root); -1 keeps ours
  bool seccomp = false;  // load the system call filter of seccomp.hpp before the command
  CpuAccounting cpu;   // how a runner's CPU time is measured
  LimitControllers cgroups;  // where memory, task count and CPU share are capped by a cgroup
  // OPENBLAS_CORETYPE for every sandboxed process: the kernels this processor can run where
  // OpenBLAS would fall back to older ones itself (pg::blas_kernels_for_this_processor(),
  // common/blas.hpp: a matrix product 3 to 5 times slower would shrink a speed test's reference's
  // lead over a loop); "" leaves the choice to OpenBLAS
  std::string blas_core;
  std::string describe() const;  // one line for reports: what isolation is in force
};

// A numbered slot held for as long as this object lives, so that graders running at the same time
// on one machine (batch jobs, parallel tests) never share a sandbox uid. Slots are lock files in
// /tmp, taken with flock, released when the process ends however it ends.
class SlotLock {
 public:
  static SlotLock acquire();  // the lowest free slot; throws std::runtime_error if all are taken
  SlotLock(SlotLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)), slot_(other.slot_) {}
  SlotLock(const SlotLock&) = delete;
  SlotLock& operator=(const SlotLock&) = delete;
  ~SlotLock();
  int slot() const { return slot_; }

 private:
  SlotLock(int fd, int slot) : fd_(fd), slot_(slot) {}
  int fd_;
  int slot_;
};

// bwrap if it starts a trivial sandbox here (else rlimits only); as root, uid = base_uid + 3 slot,
// so that concurrent jobs never share a process count (the next uid is the reference runner's,
// the one after it the student runner of a test run beside the others).
SandboxPolicy detect_sandbox(int slot = 0, int base_uid = 61000);

struct ExitStatus {
  bool exited = false;  // normal exit with `code`
  int code = 0;
  int signal = 0;       // the signal that ended it, when !exited
  double cpu_s = 0;     // user + system (of the outer process only; RunnerSession knows better)
  long max_rss_kb = 0;  // the sandbox's peak memory where a memory cgroup measures it, else the
                        // outer process's peak RSS
  bool memory_cgroup = false;  // max_rss_kb comes from the memory cgroup
  bool killed_for_memory = false;  // the kernel ended a process of it at the memory cgroup's cap
};

// A started sandboxed process and the grader's ends of its pipes.
class Child {
 public:
  Child() = default;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  Child(Child&& other) noexcept { *this = std::move(other); }
  Child& operator=(Child&& other) noexcept;
  ~Child();

  pid_t pid() const { return pid_; }
  int request_fd() const { return request_fd_; }   // write: the child's fd 3 (a socket)
  int response_fd() const { return response_fd_; } // read: the child's fd 4
  int log_fd() const { return log_fd_; }           // read: the child's stdout and stderr
  void close_request();  // the child sees end of file on fd 3
  void kill();           // SIGKILL to its whole process group (the sandbox goes with it)
  ExitStatus wait();     // blocks until it has exited; idempotent
  bool exits_within(double seconds);  // true once it has exited (then wait() does not block)

 private:
  friend Child spawn(const SandboxPolicy&, const SandboxConfig&);
  void release();  // ends and reaps the process, closes the pipes: the destructor's work
  pid_t pid_ = -1;
  int request_fd_ = -1, response_fd_ = -1, log_fd_ = -1;
  bool reaped_ = false;
  bool bwrap_ = false;
  ExitStatus status_;
  std::unique_ptr<LimitGroup> limits_;  // removed once the child has been reaped
};

// Starts argv in the sandbox. Throws std::runtime_error if it cannot start at all.
Child spawn(const SandboxPolicy& policy, const SandboxConfig& config);

// For compilers and linkers: run to the end, keep the first limits.output_kb of output.
struct RunResult {
  ExitStatus status;
  bool timed_out = false;
  bool output_truncated = false;
  double wall_s = 0;
  std::string output;
};
RunResult run_to_end(const SandboxPolicy& policy, const SandboxConfig& config);
// The same for several commands, as many at a time as there are cores, in the order given; the
// sandbox's uid is swept once, after the last one.
std::vector<RunResult> run_all_to_end(const SandboxPolicy& policy,
                                      const std::vector<SandboxConfig>& configs);

// Ends every process left under the sandbox's uid (a fork bomb's children, say) and waits until
// none is left, so that the next sandbox starts with a process count of zero. No-op without a
// uid of its own.
void sweep(const SandboxPolicy& policy);

// Gives a folder to the sandbox's uid (recursively), so that it can write there.
void hand_over(const SandboxPolicy& policy, const std::string& path);

// "SIGSEGV (segmentation fault)" and the like.
std::string signal_name(int sig);

}  // namespace pg::grader
