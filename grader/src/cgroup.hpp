// CPU accounting for one sandboxed process tree, from the kernel: a cgroup of its own where this
// machine lets the grader make one (cgroup v1's cpuacct, else cgroup v2's cpu.stat), else the CPU
// clocks of the tree's processes. Not the limits (rlimits in sandbox.cpp) and not what a time means.
#pragma once

#include <sys/types.h>

#include <string>

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

 private:
  CpuAccounting how_;
  std::string dir_;
  int join_fd_ = -1;
  int usage_fd_ = -1;
  pid_t root_ = -1;
};

}  // namespace pg::grader
