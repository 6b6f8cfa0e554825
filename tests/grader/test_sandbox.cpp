// The sandbox on its own: limits, the wall-clock kill, the process limit under a uid of its own,
// the sweep that leaves no process behind, and the CPU accounting of a sandbox's processes.
#include "sandbox.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>

namespace pg::grader {
namespace {

using ::testing::HasSubstr;

SandboxConfig shell(const std::string& script, double wall_s = 5) {
  SandboxConfig c;
  c.argv = {"/bin/sh", "-c", script};
  c.limits.wall_s = wall_s;
  return c;
}

bool any_process_of(int uid) {
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    struct stat st{};
    if (::stat(e.path().c_str(), &st) == 0 && static_cast<int>(st.st_uid) == uid) return true;
  }
  return false;
}

TEST(sandbox, runs_a_command_and_returns_its_output_and_status) {
  SlotLock slot = SlotLock::acquire();
  RunResult r = run_to_end(detect_sandbox(slot.slot()), shell("echo hello; exit 3"));
  EXPECT_TRUE(r.status.exited);
  EXPECT_EQ(r.status.code, 3);
  EXPECT_EQ(r.output, "hello\n");
}

extern "C" char* openblas_get_corename(void);

// Where OpenBLAS would run kernels older than the processor's, every sandboxed process (the
// reference's and the student's runners alike) is told the right ones, and the report says so;
// an OPENBLAS_CORETYPE the grader was given wins.
TEST(sandbox, gives_every_runner_the_openblas_kernels_the_processor_has) {
  SlotLock slot = SlotLock::acquire();
  const SandboxPolicy p = detect_sandbox(slot.slot());
  const std::string own = openblas_get_corename();
  __builtin_cpu_init();
  if (own == "Prescott" && __builtin_cpu_supports("avx2")) {
    EXPECT_NE(p.blas_core, "") << "OpenBLAS chose " << own << " on a processor with AVX2";
  }
  if (own == "Haswell" || own == "Zen" || own == "SkylakeX" || own == "SapphireRapids") {
    EXPECT_EQ(p.blas_core, "") << "OpenBLAS's own " << own << " is good";
  }
  const RunResult r = run_to_end(p, shell("echo \"[$OPENBLAS_CORETYPE]\""));
  EXPECT_EQ(r.output, "[" + p.blas_core + "]\n");
  if (!p.blas_core.empty()) {
    EXPECT_THAT(p.describe(), HasSubstr("OpenBLAS kernels " + p.blas_core));
  }

  ::setenv("OPENBLAS_CORETYPE", "Haswell", 1);
  const SandboxPolicy given = detect_sandbox(slot.slot());
  const RunResult g = run_to_end(given, shell("echo \"[$OPENBLAS_CORETYPE]\""));
  ::unsetenv("OPENBLAS_CORETYPE");
  EXPECT_EQ(given.blas_core, "");
  EXPECT_EQ(g.output, "[Haswell]\n");
}

TEST(sandbox, kills_a_command_at_the_wall_clock_limit) {
  SlotLock slot = SlotLock::acquire();
  auto start = std::chrono::steady_clock::now();
  RunResult r = run_to_end(detect_sandbox(slot.slot()), shell("sleep 30", 1.0));
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(r.timed_out);
  EXPECT_LT(took, 10.0);
}

TEST(sandbox, reports_the_signal_that_ended_a_command) {
  SlotLock slot = SlotLock::acquire();
  RunResult r = run_to_end(detect_sandbox(slot.slot()), shell("kill -SEGV $$"));
  EXPECT_FALSE(r.status.exited);
  EXPECT_EQ(r.status.signal, SIGSEGV);
}

TEST(sandbox, keeps_only_the_first_output_kb) {
  SlotLock slot = SlotLock::acquire();
  SandboxConfig c = shell("yes | head -c 100000");
  c.limits.output_kb = 4;
  RunResult r = run_to_end(detect_sandbox(slot.slot()), c);
  EXPECT_EQ(r.output.size(), 4096u);
  EXPECT_TRUE(r.output_truncated);
}

TEST(sandbox, hides_the_hosts_files_and_network) {
  SlotLock slot = SlotLock::acquire();
  SandboxPolicy p = detect_sandbox(slot.slot());
  if (!p.use_bwrap) GTEST_SKIP() << "bubblewrap does not work here: " << p.describe();
  RunResult r = run_to_end(p, shell("ls /etc/passwd /root /work 2>&1; cat /proc/net/dev | wc -l"));
  EXPECT_THAT(r.output, HasSubstr("cannot access '/etc/passwd': No such file or directory"));
  EXPECT_THAT(r.output, HasSubstr("cannot access '/root': No such file or directory"));
  EXPECT_THAT(r.output, HasSubstr("cannot access '/work': No such file or directory"));
  // a new network namespace has the loopback device only: two header lines and lo
  EXPECT_THAT(r.output, HasSubstr("3\n"));
}

TEST(sandbox, contains_a_fork_bomb_under_its_own_uid_and_sweeps_it_away) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to run the sandbox under a uid of its own";
  SlotLock slot = SlotLock::acquire();
  SandboxPolicy p = detect_sandbox(slot.slot());
  ASSERT_GE(p.uid, 0);
  // perl (always on Debian) forks up to 50 sleepers and says how many forks succeeded
  SandboxConfig c;
  c.argv = {"/usr/bin/perl", "-e",
            "my $n = 0; for (1..50) { my $p = fork(); last unless defined $p; "
            "if ($p == 0) { sleep 30; exit 0 } $n++ } print \"forked $n\\n\";"};
  c.limits.max_procs = 10;
  c.limits.wall_s = 10;
  RunResult r = run_to_end(p, c);
  ASSERT_THAT(r.output, HasSubstr("forked "));
  int forked = std::stoi(r.output.substr(r.output.find("forked ") + 7));
  EXPECT_GE(forked, 1);
  EXPECT_LT(forked, 10) << "RLIMIT_NPROC did not hold: " << r.output;
  sweep(p);
  EXPECT_FALSE(any_process_of(p.uid));
}

// CPU seconds of `script` run by /bin/sh as a plain child, from the kernel's rusage
double plain_cpu_seconds(const std::string& script) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  struct rusage ru{};
  ::wait4(pid, &status, 0, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

TEST(cpu_meter, counts_processes_that_did_the_work_and_exited_before_it_was_read) {
  SlotLock slot = SlotLock::acquire();
  SandboxPolicy p = detect_sandbox(slot.slot());
  if (p.cpu.kind == CpuAccounting::Kind::process_clocks) {
    GTEST_SKIP() << "no cgroup can be made here: " << p.describe();
  }
  // two subshells count in turn and exit; their parent only waits
  const std::string count = "(i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done)";
  const std::string script = count + "; " + count + "; exit 0";
  CpuMeter meter(p.cpu);
  SandboxConfig c = shell(script, 60);
  c.cgroup_join_fd = meter.join_fd();
  RunResult r = run_to_end(p, c);
  ASSERT_TRUE(r.status.exited) << r.output;
  const double counted = meter.seconds(), plain = plain_cpu_seconds(script);
  EXPECT_GT(counted, 0.7 * plain) << "counted " << counted << " s, the same script " << plain << " s";
  EXPECT_LT(counted, 2.0 * plain + 0.1) << "counted " << counted << " s, the same script " << plain;
}

TEST(cpu_meter, without_a_cgroup_reads_the_clocks_of_the_live_processes) {
  SlotLock slot = SlotLock::acquire();
  SandboxPolicy p = detect_sandbox(slot.slot());
  CpuMeter meter{CpuAccounting{}};
  EXPECT_EQ(meter.join_fd(), -1);
  Child child = spawn(p, shell("while :; do :; done", 30));
  meter.set_root(child.pid());
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (meter.seconds() < 0.1 && std::chrono::steady_clock::now() < give_up) ::usleep(10000);
  EXPECT_GE(meter.seconds(), 0.1);
  child.kill();
  child.wait();
  sweep(p);
}

// The most runnable threads `meter` sees in 20 looks 10 ms apart.
int most_runnable(const CpuMeter& meter) {
  int most = 0;
  for (int i = 0; i < 20; ++i) {
    most = std::max(most, meter.runnable_threads());
    ::usleep(10000);
  }
  return most;
}

// What the deadline's credit for waiting rests on: a spinning sandbox has a runnable thread, a
// sleeping one has none (its sleep is its own and counts), with a cgroup and with process clocks.
TEST(cpu_meter, sees_a_spinning_thread_as_runnable_and_a_sleeping_one_not) {
  SlotLock slot = SlotLock::acquire();
  SandboxPolicy p = detect_sandbox(slot.slot());
  std::vector<CpuAccounting> kinds = {CpuAccounting{}};
  if (p.cpu.kind != CpuAccounting::Kind::process_clocks) kinds.push_back(p.cpu);
  for (const CpuAccounting& how : kinds) {
    for (const bool spin : {true, false}) {
      CpuMeter meter(how);
      SandboxConfig c = shell(spin ? "while :; do :; done" : "sleep 30", 30);
      c.cgroup_join_fd = meter.join_fd();
      Child child = spawn(p, c);
      meter.set_root(child.pid());
      ::usleep(200000);  // the shell has started
      const int most = most_runnable(meter);
      if (spin) {
        EXPECT_GE(most, 1) << how.describe();
      } else {
        EXPECT_EQ(most, 0) << how.describe();
      }
      child.kill();
      child.wait();
      sweep(p);
    }
  }
}

TEST(cpu_accounting, says_where_cpu_time_comes_from_in_the_sandbox_line) {
  SlotLock slot = SlotLock::acquire();
  SandboxPolicy p = detect_sandbox(slot.slot());
  EXPECT_THAT(p.describe(), HasSubstr(p.cpu.describe()));
  EXPECT_THAT(p.cpu.describe(), ::testing::StartsWith("CPU time from "));
}

TEST(slot_lock, gives_concurrent_holders_different_slots) {
  SlotLock a = SlotLock::acquire();
  SlotLock b = SlotLock::acquire();
  EXPECT_NE(a.slot(), b.slot());
}

}  // namespace
}  // namespace pg::grader
