// The system call filter and the lock on nested user namespaces, seen from inside the real
// sandbox: a hostile program (seccomp_probe.cpp) makes each denied call and reports its errno;
// compilers, assemblers and linkers still work under the filter.
#include "seccomp.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "sandbox.hpp"
#include "support/temp_dir.hpp"

namespace pg::grader {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

// the calls the filter must refuse with EPERM, by the probe's names
const std::vector<std::string> kDenied = {
    "unshare(CLONE_NEWUSER)", "unshare(CLONE_NEWNS)", "unshare(CLONE_NEWNET)",
    "unshare(CLONE_NEWPID)", "unshare(CLONE_NEWIPC)", "unshare(CLONE_NEWUTS)",
    "unshare(CLONE_NEWCGROUP)", "unshare(CLONE_NEWTIME)", "unshare(CLONE_NEWUSER|CLONE_NEWNS)",
    "clone(CLONE_NEWUSER)", "clone(CLONE_NEWNS)", "clone(CLONE_NEWNET)", "clone(CLONE_NEWPID)",
    "clone(CLONE_NEWIPC)", "clone(CLONE_NEWUTS)", "clone(CLONE_NEWCGROUP)", "setns(user)",
    "unshare(CLONE_NEWUSER)/x32",
    "pivot_root", "fspick", "mount", "mount_setattr", "umount2", "chroot", "open_tree",
    "move_mount", "fsopen", "fsconfig", "fsmount",
    "ptrace(PTRACE_SEIZE,1)", "process_vm_readv", "process_vm_writev", "pidfd_getfd",
    "process_madvise", "kcmp",
    "keyctl", "add_key", "request_key",
    "io_uring_setup", "io_uring_enter", "io_uring_register", "bpf", "perf_event_open",
    "userfaultfd", "fanotify_init", "modify_ldt", "lookup_dcookie", "name_to_handle_at",
    "open_by_handle_at",
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "reboot",
    "swapon", "swapoff", "acct", "quotactl", "quotactl_fd", "syslog",
    "socket(AF_NETLINK,NETLINK_ROUTE)", "socket(AF_NETLINK,NETLINK_NETFILTER)",
    "socket(AF_PACKET)", "socket(AF_VSOCK)", "socket(AF_KEY)", "socket(AF_BLUETOOTH)",
    "socket(AF_ALG)", "socket(AF_XDP)", "socket(AF_TIPC)", "socket(AF_CAN)",
    "socket(AF_APPLETALK)", "socket(AF_UNSPEC)", "socket(AF_NETLINK,upper_bits)",
    "socketpair(AF_NETLINK)",
    "personality(ADDR_NO_RANDOMIZE)", "personality(READ_IMPLIES_EXEC)", "personality(query)",
    "ioctl(TIOCSTI)", "ioctl(TIOCLINUX)"};

// what an honest program does, which must still work
const std::vector<std::string> kAllowed = {
    "fork", "std::thread", "unshare(CLONE_FILES)", "socket(AF_UNIX)", "socket(AF_INET)",
    "socket(AF_INET6)", "socketpair(AF_UNIX)", "personality(PER_LINUX)"};

std::string num(int error) { return std::to_string(error); }

// the probe's lines: call name -> its errno ("0": it worked; "signal N": it ended the process)
std::map<std::string, std::string> probe(const SandboxPolicy& p) {
  // a folder of its own, readable by the sandbox's uid wherever the build tree is
  pg::testing::TempDir dir;
  fs::copy_file(PIXELGRAD_SECCOMP_PROBE, dir / "seccomp_probe");
  SandboxConfig c;
  c.argv = {"/probe/seccomp_probe"};
  c.mounts = {{dir.path().string(), "/probe"}};
  c.limits.wall_s = 30;
  RunResult r = run_to_end(p, c);
  EXPECT_TRUE(r.status.exited && r.status.code == 0) << r.output;
  std::map<std::string, std::string> out;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) {
    const auto space = line.find(' ');
    if (space != std::string::npos) out[line.substr(0, space)] = line.substr(space + 1);
  }
  EXPECT_EQ(out["done"], "0") << "the probe did not finish:\n" << r.output;
  return out;
}

void expect_denied_and_allowed(const std::map<std::string, std::string>& got) {
  for (const std::string& call : kDenied) {
    auto it = got.find(call);
    ASSERT_NE(it, got.end()) << call << " was not tried";
    EXPECT_EQ(it->second, num(EPERM)) << call;
  }
  for (const std::string& call : kAllowed) {
    auto it = got.find(call);
    ASSERT_NE(it, got.end()) << call << " was not tried";
    EXPECT_EQ(it->second, "0") << call;
  }
  // clone3's flags are out of the filter's reach: ENOSYS, and the C library falls back to clone
  EXPECT_EQ(got.at("clone3(CLONE_NEWUSER)"), num(ENOSYS));
  EXPECT_EQ(got.at("clone3()"), num(ENOSYS));
  // the 32-bit ABI is refused as a whole, where the kernel has it at all
  EXPECT_THAT(got.at("unshare(CLONE_NEWUSER)/i386"),
              ::testing::AnyOf(num(EPERM), "signal " + num(SIGSEGV)));
  // an ioctl the filter does not name reaches the kernel: stdin is /dev/null, not a terminal
  EXPECT_EQ(got.at("ioctl(FIONREAD)"), num(ENOTTY));
}

TEST(seccomp, refuses_each_denied_call_with_eperm_inside_bubblewrap) {
  SlotLock slot = SlotLock::acquire();
  SandboxPolicy p = detect_sandbox(slot.slot());
  if (!p.use_bwrap) GTEST_SKIP() << "bubblewrap does not work here: " << p.describe();
  ASSERT_TRUE(p.seccomp) << p.describe();
  expect_denied_and_allowed(probe(p));
}

TEST(seccomp, refuses_each_denied_call_with_eperm_without_bubblewrap) {
  SlotLock slot = SlotLock::acquire();
  SandboxPolicy p = detect_sandbox(slot.slot());
  ASSERT_TRUE(p.seccomp) << p.describe();
  p.use_bwrap = false;
  expect_denied_and_allowed(probe(p));
}

TEST(seccomp, the_same_calls_reach_the_kernel_without_the_filter) {
  SlotLock slot = SlotLock::acquire();
  SandboxPolicy p = detect_sandbox(slot.slot());
  if (!p.use_bwrap) GTEST_SKIP() << "bubblewrap does not work here: " << p.describe();
  p.seccomp = false;
  const std::map<std::string, std::string> got = probe(p);
  // so the EPERMs above are the filter's, not the kernel's
  EXPECT_EQ(got.at("socket(AF_NETLINK,NETLINK_ROUTE)"), "0");
  EXPECT_EQ(got.at("personality(ADDR_NO_RANDOMIZE)"), "0");
  EXPECT_EQ(got.at("ioctl(TIOCSTI)"), num(ENOTTY));
  EXPECT_EQ(got.at("setns(user)"), num(EINVAL));
  // bubblewrap's --disable-userns: no user namespace inside, even without the filter
  EXPECT_EQ(got.at("unshare(CLONE_NEWUSER)"), num(ENOSPC));
  EXPECT_EQ(got.at("clone(CLONE_NEWUSER)"), num(ENOSPC));
}

SandboxConfig shell(const std::string& script) {
  SandboxConfig c;
  c.argv = {"/bin/sh", "-c", script};
  c.limits.wall_s = 10;
  return c;
}

TEST(seccomp, bubblewraps_pid_1_runs_under_the_filter_too) {
  SlotLock slot = SlotLock::acquire();
  SandboxPolicy p = detect_sandbox(slot.slot());
  if (!p.use_bwrap) GTEST_SKIP() << "bubblewrap does not work here: " << p.describe();
  ASSERT_TRUE(p.seccomp) << p.describe();
  RunResult r = run_to_end(p, shell("grep Seccomp: /proc/1/status /proc/self/status"));
  // mode 2: a filter
  EXPECT_THAT(r.output, HasSubstr("/proc/1/status:Seccomp:\t2"));
  EXPECT_THAT(r.output, HasSubstr("/proc/self/status:Seccomp:\t2"));
}

TEST(seccomp, nested_unshare_u_fails_with_eperm) {
  SlotLock slot = SlotLock::acquire();
  SandboxPolicy p = detect_sandbox(slot.slot());
  ASSERT_TRUE(p.seccomp) << p.describe();
  for (bool bwrap : {true, false}) {
    if (bwrap && !p.use_bwrap) continue;
    SandboxPolicy q = p;
    q.use_bwrap = bwrap;
    SCOPED_TRACE(q.describe());
    RunResult r = run_to_end(q, shell("/usr/bin/unshare -U /bin/true 2>&1; echo status $?"));
    EXPECT_THAT(r.output, HasSubstr("unshare failed: Operation not permitted"));
    EXPECT_THAT(r.output, Not(HasSubstr("status 0")));
  }
}

TEST(seccomp, nested_unshare_u_fails_in_bubblewrap_without_the_filter_too) {
  SlotLock slot = SlotLock::acquire();
  SandboxPolicy p = detect_sandbox(slot.slot());
  if (!p.use_bwrap) GTEST_SKIP() << "bubblewrap does not work here: " << p.describe();
  p.seccomp = false;
  RunResult r = run_to_end(p, shell("/usr/bin/unshare -Ur /bin/true 2>&1; echo status $?"));
  EXPECT_THAT(r.output, HasSubstr("unshare failed: No space left on device"));
  EXPECT_THAT(r.output, Not(HasSubstr("status 0")));
}

TEST(seccomp, lets_gxx_compile_assemble_and_link_under_the_filter) {
  SlotLock slot = SlotLock::acquire();
  SandboxPolicy p = detect_sandbox(slot.slot());
  ASSERT_TRUE(p.seccomp) << p.describe();
  for (bool bwrap : {true, false}) {
    if (bwrap && !p.use_bwrap) continue;
    SandboxPolicy q = p;
    q.use_bwrap = bwrap;
    SCOPED_TRACE(q.describe());
    pg::testing::TempDir dir;
    fs::create_directories(dir / "src");
    fs::create_directories(dir / "out");
    std::ofstream(dir / "src" / "hello.cpp") << R"(#include <iostream>
#include <thread>
int main() {
  int n = 0;
  std::thread t([&] { n = 42; });
  t.join();
  std::cout << "hello " << n << "\n";
}
)";
    hand_over(q, (dir / "out").string());
    // as the grader builds: cc1plus and as for the object, then collect2 and ld for the program
    SandboxConfig compile;
    compile.with_dev = false;
    compile.mounts = {{(dir / "src").string(), "/src"}, {(dir / "out").string(), "/out", true}};
    compile.workdir = "/out";
    compile.limits.wall_s = 60;
    compile.limits.memory_mb = 2048;
    compile.limits.file_mb = 64;
    compile.argv = {"/usr/bin/g++", "-std=c++20", "-O2", "-c", "/src/hello.cpp", "-o",
                    "/out/hello.o"};
    RunResult c = run_to_end(q, compile);
    ASSERT_TRUE(c.status.exited && c.status.code == 0) << c.output;
    SandboxConfig link = compile;
    link.argv = {"/usr/bin/g++", "/out/hello.o", "-o", "/out/hello", "-lpthread"};
    RunResult l = run_to_end(q, link);
    ASSERT_TRUE(l.status.exited && l.status.code == 0) << l.output;
    SandboxConfig run;
    run.argv = {"/out/hello"};
    run.mounts = {{(dir / "out").string(), "/out"}};
    RunResult r = run_to_end(q, run);
    EXPECT_EQ(r.output, "hello 42\n");
  }
}

TEST(seccomp, the_sandbox_line_says_whether_the_filter_is_in_force) {
  SlotLock slot = SlotLock::acquire();
  SandboxPolicy p = detect_sandbox(slot.slot());
  ASSERT_TRUE(p.seccomp) << p.describe();
  EXPECT_THAT(p.describe(), HasSubstr(" + seccomp"));
  p.seccomp = false;
  EXPECT_THAT(p.describe(), Not(HasSubstr("seccomp")));
}

TEST(seccomp, the_program_is_whole_bpf_instructions) {
  const std::string& program = seccomp_program();
  EXPECT_GT(program.size(), 8u * 100);  // the rules above take a few hundred instructions
  EXPECT_EQ(program.size() % 8, 0u);
  EXPECT_EQ(&program, &seccomp_program());  // built once
}

}  // namespace
}  // namespace pg::grader
