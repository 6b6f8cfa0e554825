// The sandbox's system call filter: rules added with libseccomp, exported as BPF once per grader.
// Not where it is loaded: bubblewrap's --seccomp, or the forked child (sandbox.cpp).
#include "seccomp.hpp"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

namespace pg::grader {

namespace {

// fail with EPERM whatever the arguments
constexpr const char* kDenied[] = {
    // namespaces: joining one (a nested user namespace would give every capability inside)
    "setns",
    // mounts and the root folder, old and new API
    "mount", "umount", "umount2", "pivot_root", "chroot", "open_tree", "move_mount", "fsopen",
    "fsconfig", "fsmount", "fspick", "mount_setattr",
    // another process's memory and files (the sandbox's pid 1, bubblewrap's init, among them)
    "ptrace", "process_vm_readv", "process_vm_writev", "process_madvise", "pidfd_getfd", "kcmp",
    // kernel keyrings
    "keyctl", "add_key", "request_key",
    // large or rare kernel interfaces that no exercise needs, each with local exploits on record
    "io_uring_setup", "io_uring_enter", "io_uring_register", "bpf", "perf_event_open",
    "userfaultfd", "fanotify_init", "modify_ldt", "lookup_dcookie",
    // files by handle: reach past the mount namespace
    "name_to_handle_at", "open_by_handle_at",
    // the machine's administration
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "reboot",
    "swapon", "swapoff", "acct", "quotactl", "quotactl_fd", "syslog"};

// the flags that make clone and unshare create namespaces; CLONE_NEWTIME (0x80) only for
// unshare: in clone's first argument that bit belongs to the exit signal
constexpr std::uint64_t kCloneNamespaces[] = {CLONE_NEWNS,  CLONE_NEWCGROUP, CLONE_NEWUTS,
                                              CLONE_NEWIPC, CLONE_NEWUSER,   CLONE_NEWPID,
                                              CLONE_NEWNET};

// argument `index` compared by `op` with `a` (MASKED_EQ: masked by `a`, equal to `b`)
scmp_arg_cmp arg(unsigned index, scmp_compare op, std::uint64_t a, std::uint64_t b = 0) {
  return {index, op, a, b};
}

class Rules {
 public:
  Rules() : ctx_(seccomp_init(SCMP_ACT_ALLOW), seccomp_release) {
    if (!ctx_) throw std::runtime_error("seccomp_init failed");
  }
  scmp_filter_ctx get() const { return ctx_.get(); }

  // `name` fails with `error` when every comparison in `when` holds (always, when it is empty)
  void fail(const char* name, int error, const std::vector<scmp_arg_cmp>& when = {}) {
    const int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR) {
      throw std::runtime_error(std::string("libseccomp does not know the system call ") + name);
    }
    // a call this architecture lacks (umount on x86_64) has a negative number; libseccomp
    // leaves it out of the program
    const int rc = seccomp_rule_add_array(ctx_.get(), SCMP_ACT_ERRNO(error), nr,
                                          static_cast<unsigned>(when.size()), when.data());
    if (rc != 0) {
      throw std::runtime_error(std::string("seccomp_rule_add(") + name +
                               "): " + std::strerror(-rc));
    }
  }

 private:
  std::unique_ptr<void, void (*)(scmp_filter_ctx)> ctx_;
};

std::string build_program() {
  Rules r;
  // int 0x80 and x32 calls number system calls differently; none of them passes
  if (seccomp_attr_set(r.get(), SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(EPERM)) != 0) {
    throw std::runtime_error("seccomp_attr_set(SCMP_FLTATR_ACT_BADARCH) failed");
  }
  for (const char* name : kDenied) r.fail(name, EPERM);

  // one rule per flag: libseccomp tests one argument once in a rule, and rules are or-ed
  const std::uint32_t arch = seccomp_arch_native();
  const unsigned clone_flags = arch == SCMP_ARCH_S390 || arch == SCMP_ARCH_S390X ? 1 : 0;
  for (std::uint64_t flag : kCloneNamespaces) {
    r.fail("unshare", EPERM, {arg(0, SCMP_CMP_MASKED_EQ, flag, flag)});
    r.fail("clone", EPERM, {arg(clone_flags, SCMP_CMP_MASKED_EQ, flag, flag)});
  }
  r.fail("unshare", EPERM, {arg(0, SCMP_CMP_MASKED_EQ, CLONE_NEWTIME, CLONE_NEWTIME)});
  r.fail("clone3", ENOSYS);

  // sockets: AF_UNIX (1), AF_INET (2) and AF_INET6 (10) only; a value with any of the upper 32
  // bits set is above 10 too
  static_assert(AF_UNIX == 1 && AF_INET == 2 && AF_INET6 == 10);
  for (const char* call : {"socket", "socketpair"}) {
    r.fail(call, EPERM, {arg(0, SCMP_CMP_EQ, AF_UNSPEC)});
    for (int family = AF_INET + 1; family < AF_INET6; ++family) {
      r.fail(call, EPERM, {arg(0, SCMP_CMP_EQ, static_cast<std::uint64_t>(family))});
    }
    r.fail(call, EPERM, {arg(0, SCMP_CMP_GT, AF_INET6)});
  }

  // ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC and the like stay off
  r.fail("personality", EPERM, {arg(0, SCMP_CMP_NE, 0)});

  // the request is an unsigned int: the upper half of the register is not looked at
  for (unsigned long request : {TIOCSTI, TIOCLINUX}) {
    r.fail("ioctl", EPERM, {arg(1, SCMP_CMP_MASKED_EQ, 0xffffffffu, request)});
  }

  // export through a memfd: libseccomp 2.5 writes the program only to a file descriptor
  const int fd = ::memfd_create("pixelgrad-seccomp-export", MFD_CLOEXEC);
  if (fd < 0) throw std::runtime_error(std::string("memfd_create failed: ") + std::strerror(errno));
  std::string program;
  const int rc = seccomp_export_bpf(r.get(), fd);
  if (rc == 0 && ::lseek(fd, 0, SEEK_SET) == 0) {
    char buf[4096];
    ssize_t got;
    while ((got = ::read(fd, buf, sizeof buf)) > 0) program.append(buf, static_cast<size_t>(got));
  }
  ::close(fd);
  if (rc != 0 || program.empty() || program.size() % sizeof(sock_filter) != 0) {
    throw std::runtime_error("seccomp_export_bpf failed: " +
                             std::string(rc != 0 ? std::strerror(-rc) : "no program"));
  }
  return program;
}

}  // namespace

const std::string& seccomp_program() {
  static const std::string program = build_program();
  return program;
}

bool seccomp_available() {
  // with no program, a filter fails with EFAULT exactly where the kernel has seccomp filters
  static const bool kernel =
      ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, nullptr, 0, 0) != 0 && errno == EFAULT;
  if (!kernel) return false;
  try {
    seccomp_program();
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

int seccomp_memfd() {
  const std::string& program = seccomp_program();
  const int fd = ::memfd_create("pixelgrad-seccomp", MFD_CLOEXEC);
  if (fd < 0) throw std::runtime_error(std::string("memfd_create failed: ") + std::strerror(errno));
  // bubblewrap reads from the current offset to the end
  if (::write(fd, program.data(), program.size()) != static_cast<ssize_t>(program.size()) ||
      ::lseek(fd, 0, SEEK_SET) != 0) {
    const int e = errno;
    ::close(fd);
    throw std::runtime_error(std::string("cannot write the seccomp filter: ") + std::strerror(e));
  }
  return fd;
}

int load_seccomp_program(const std::string& program) noexcept {
  struct sock_fprog prog{};
  prog.len = static_cast<unsigned short>(program.size() / sizeof(sock_filter));
  // only the kernel reads the instructions
  prog.filter = reinterpret_cast<sock_filter*>(const_cast<char*>(program.data()));
  return ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == 0 ? 0 : errno;
}

}  // namespace pg::grader
