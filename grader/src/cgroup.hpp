// CPU accounting for one sandboxed process tree, from the kernel: a cgroup of its own where this
// machine lets the grader make one (cgroup v1's cpuacct, else cgroup v2's cpu.stat), else the CPU
// clocks of the tree's processes. Not the limits (rlimits in sandbox.cpp) and not what a time means.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace pg::grader {

// Where CPU time comes from, decided once per grader.
struct CpuAccounting {
  enum class Kind { cgroup_v1, cgroup_v2, process_clocks };
  Kind kind = Kind::process_clocks;
  std::string parent;  // the cgroup folder new cgroups are made in (cgroup kinds only)
  std::string describe() const;  // "cgroup v1 cpuacct", ... for the report's sandbox line
};

// A cgroup can be made and joined here (as root, with a writable hierarchy), else process clocks.
// $PIXELGRAD_NO_CGROUP forces process clocks (to test that path).
CpuAccounting detect_cpu_accounting();

// The CPU time used by one sandbox's processes. With a cgroup, every process and thread that ever
// ran in it counts, including helpers that have already exited; with process clocks, the
// processes alive under `root` when asked (forked helpers that have already exited are missed).
class CpuMeter {
 public:
  CpuMeter() = default;
  explicit CpuMeter(const CpuAccounting& how);
  CpuMeter(const CpuMeter&) = delete;
  CpuMeter& operator=(const CpuMeter&) = delete;
  // Removes the cgroup; every process in it must have ended.
  ~CpuMeter();

  // An open cgroup.procs of the new cgroup: the child writes "0" to it before it execs, so that
  // it and everything it starts is in the cgroup. -1 with process clocks.
  int join_fd() const { return join_fd_; }
  // The first process of the tree (used with process clocks).
  void set_root(pid_t pid) { root_ = pid; }
  // CPU seconds (user + system) used by the tree so far.
  double seconds() const;
  // How many of the tree's threads are running or ready to run (state R) right now.
  int runnable_threads() const;

 private:
  void release();  // closes, removes the cgroup; the destructor's work, safe to repeat
  CpuAccounting how_;
  std::string dir_;
  int join_fd_ = -1;
  int usage_fd_ = -1;
  std::string threads_;  // the cgroup's list of thread ids ("" with process clocks)
  pid_t root_ = -1;
};

// Where the kernel can hold a sandbox to its limits, decided once per grader: the cgroup v1
// folders new memory, pids and cpu cgroups are made in ("" where this machine has none). With
// them a sandbox's memory (its processes, its /tmp files, the kernel memory of its inodes) is
// capped and its peak known, its task count capped however many uids it runs under, and its CPU
// share held to one core. Without them the rlimits of sandbox.cpp are all there is.
struct LimitControllers {
  std::string memory, pids, cpu;
  std::string describe() const;  // "memory, pids and cpu cgroups", ... for the report
};
// $PIXELGRAD_NO_CGROUP (or not being root) leaves every folder empty.
LimitControllers detect_limit_controllers();

// One sandbox's limit cgroups, removed when it goes (every process in them must have ended).
class LimitGroup {
 public:
  LimitGroup() = default;
  // memory_mb: the cap on memory.limit_in_bytes; max_procs: pids.max; cores: CPU share (0: none)
  LimitGroup(const LimitControllers& where, long memory_mb, long max_procs, double cores);
  LimitGroup(const LimitGroup&) = delete;
  LimitGroup& operator=(const LimitGroup&) = delete;
  ~LimitGroup();

  // Open cgroup.procs files the child writes "0" to before it execs (one per controller).
  const std::vector<int>& join_fds() const { return join_fds_; }
  bool has_memory() const { return memory_usage_fd_ >= 0; }
  // The most memory the sandbox ever held, in KiB; -1 without a memory cgroup.
  long peak_kb() const;
  // True once the kernel has ended a process of the sandbox for reaching the memory cap.
  bool killed_for_memory() const;

 private:
  void release();  // closes, removes the cgroups; the destructor's work, safe to repeat
  std::vector<std::string> dirs_;
  std::vector<int> join_fds_;
  int memory_usage_fd_ = -1;  // memory.max_usage_in_bytes
  int oom_fd_ = -1;           // memory.oom_control
};

}  // namespace pg::grader
