// A hostile program for test_seccomp.cpp: makes every system call the sandbox's filter denies, and
// a few it allows, and prints one line per call: a name, a space, the errno (0: the call worked).
// Not a test by itself: test_seccomp.cpp runs it in the sandbox and judges the numbers. Each call's
// arguments do no harm where it gets through (a folder of its own, unknown commands, missing
// files), and it refuses to run as root.
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <linux/kcmp.h>
#include <linux/keyctl.h>
#include <linux/netlink.h>
#include <linux/perf_event.h>
#include <linux/reboot.h>
#include <linux/sched.h>
#include <linux/userfaultfd.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/quota.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

namespace {

// one line: the call's name and the errno it failed with, 0 when it worked
void report(const std::string& name, long rc) {
  const int error = rc < 0 ? errno : 0;
  std::printf("%s %d\n", name.c_str(), error);
}

// the same for a call that returns a file descriptor, closed again when it worked
void report_fd(const std::string& name, long rc) {
  report(name, rc);
  if (rc >= 0) ::close(static_cast<int>(rc));
}

// clone as fork does it, plus `flags`; a child that gets through ends at once
void try_clone(const std::string& name, unsigned long flags) {
  const long pid = ::syscall(SYS_clone, flags | SIGCHLD, nullptr, nullptr, nullptr, 0);
  if (pid == 0) ::_exit(0);
  report(name, pid);
  if (pid > 0) ::waitpid(static_cast<pid_t>(pid), nullptr, 0);
}

void try_clone3(const std::string& name, unsigned long long flags) {
  struct clone_args args{};
  args.flags = flags;
  args.exit_signal = SIGCHLD;
  const long pid = ::syscall(SYS_clone3, &args, sizeof args);
  if (pid == 0) ::_exit(0);
  report(name, pid);
  if (pid > 0) ::waitpid(static_cast<pid_t>(pid), nullptr, 0);
}

// unshare(CLONE_NEWUSER) through the 32-bit ABI (int 0x80, where unshare is number 310), in a
// child: a kernel without that ABI ends it with SIGSEGV, reported as "signal 11"
void try_unshare_i386() {
  const pid_t pid = ::fork();
  if (pid == 0) {
    long rc = 310;
    asm volatile("int $0x80" : "+a"(rc) : "b"(static_cast<long>(CLONE_NEWUSER)) : "memory");
    ::_exit(rc < 0 ? static_cast<int>(-rc) : 0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) {
    std::printf("unshare(CLONE_NEWUSER)/i386 signal %d\n", WTERMSIG(status));
  } else {
    std::printf("unshare(CLONE_NEWUSER)/i386 %d\n", WEXITSTATUS(status));
  }
}

void namespaces() {
  const struct {
    const char* name;
    unsigned long flag;
  } kinds[] = {{"CLONE_NEWUSER", CLONE_NEWUSER},    {"CLONE_NEWNS", CLONE_NEWNS},
               {"CLONE_NEWNET", CLONE_NEWNET},      {"CLONE_NEWPID", CLONE_NEWPID},
               {"CLONE_NEWIPC", CLONE_NEWIPC},      {"CLONE_NEWUTS", CLONE_NEWUTS},
               {"CLONE_NEWCGROUP", CLONE_NEWCGROUP}};
  for (const auto& k : kinds) {
    report(std::string("unshare(") + k.name + ")", ::syscall(SYS_unshare, k.flag));
    try_clone(std::string("clone(") + k.name + ")", k.flag);
  }
  report("unshare(CLONE_NEWTIME)", ::syscall(SYS_unshare, CLONE_NEWTIME));
  report("unshare(CLONE_NEWUSER|CLONE_NEWNS)", ::syscall(SYS_unshare, CLONE_NEWUSER | CLONE_NEWNS));
  try_clone3("clone3(CLONE_NEWUSER)", CLONE_NEWUSER);
  try_clone3("clone3()", 0);
  const int own = ::open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
  report("setns(user)", ::syscall(SYS_setns, own, 0));
  if (own >= 0) ::close(own);
  try_unshare_i386();
  // the x32 ABI: the same number with bit 30 set
  report("unshare(CLONE_NEWUSER)/x32", ::syscall(0x40000000L | SYS_unshare, CLONE_NEWUSER));
}

// every call on a folder of its own: not a mount point, so pivot_root and fspick fail anyway
void mounts() {
  char dir[] = "/tmp/pixelgrad-probe-XXXXXX";
  if (!::mkdtemp(dir)) std::strcpy(dir, "/tmp");
  report("pivot_root", ::syscall(SYS_pivot_root, dir, dir));
  report_fd("fspick", ::syscall(SYS_fspick, AT_FDCWD, dir, 0U));
  report("mount", ::syscall(SYS_mount, "none", dir, "tmpfs", 0UL, nullptr));
  struct mount_attr attr{};
  attr.attr_set = MOUNT_ATTR_RDONLY;
  report("mount_setattr", ::syscall(SYS_mount_setattr, AT_FDCWD, dir, 0U, &attr, sizeof attr));
  report("umount2", ::syscall(SYS_umount2, dir, MNT_DETACH));
  report("chroot", ::syscall(SYS_chroot, "/"));
  report_fd("open_tree", ::syscall(SYS_open_tree, AT_FDCWD, dir, OPEN_TREE_CLONE | O_CLOEXEC));
  report("move_mount", ::syscall(SYS_move_mount, -1, "", AT_FDCWD, dir, 0U));
  report_fd("fsopen", ::syscall(SYS_fsopen, "tmpfs", 0U));
  report("fsconfig", ::syscall(SYS_fsconfig, -1, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0));
  report_fd("fsmount", ::syscall(SYS_fsmount, -1, 0U, 0U));
  ::rmdir(dir);
}

void other_processes() {
  // pid 1: bubblewrap's init in the sandbox
  report("ptrace(PTRACE_SEIZE,1)", ::syscall(SYS_ptrace, PTRACE_SEIZE, 1, nullptr, nullptr));
  static char word[8] = "secret", copy[8];
  struct iovec local{copy, sizeof copy}, remote{word, sizeof word};
  report("process_vm_readv", ::syscall(SYS_process_vm_readv, ::getpid(), &local, 1, &remote, 1, 0));
  report("process_vm_writev",
         ::syscall(SYS_process_vm_writev, ::getpid(), &local, 1, &remote, 1, 0));
  const int self = static_cast<int>(::syscall(SYS_pidfd_open, ::getpid(), 0U));
  report_fd("pidfd_getfd", ::syscall(SYS_pidfd_getfd, self, 1, 0U));
  struct iovec page{copy, sizeof copy};
  report("process_madvise", ::syscall(SYS_process_madvise, self, &page, 1, MADV_COLD, 0U));
  if (self >= 0) ::close(self);
  report("kcmp", ::syscall(SYS_kcmp, ::getpid(), ::getpid(), KCMP_FILE, 1, 1));
}

void keyrings() {
  report("keyctl", ::syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_PROCESS_KEYRING, 0));
  report("add_key",
         ::syscall(SYS_add_key, "user", "pixelgrad-probe", "x", 1, KEY_SPEC_PROCESS_KEYRING));
  report("request_key", ::syscall(SYS_request_key, "user", "pixelgrad-probe-none", nullptr, 0));
}

void rare_interfaces() {
  struct io_uring_params params{};
  report_fd("io_uring_setup", ::syscall(SYS_io_uring_setup, 4, &params));
  report("io_uring_enter", ::syscall(SYS_io_uring_enter, -1, 0, 0, 0, nullptr, 0));
  report("io_uring_register", ::syscall(SYS_io_uring_register, -1, 0, nullptr, 0));
  union bpf_attr map{};
  map.map_type = BPF_MAP_TYPE_ARRAY;
  map.key_size = 4;
  map.value_size = 4;
  map.max_entries = 1;
  report_fd("bpf", ::syscall(SYS_bpf, BPF_MAP_CREATE, &map, sizeof map));
  struct perf_event_attr pe{};
  pe.size = sizeof pe;
  pe.type = PERF_TYPE_SOFTWARE;
  pe.config = PERF_COUNT_SW_TASK_CLOCK;
  pe.exclude_kernel = 1;
  pe.exclude_hv = 1;
  report_fd("perf_event_open", ::syscall(SYS_perf_event_open, &pe, 0, -1, -1, 0UL));
  report_fd("userfaultfd", ::syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY));
  // FAN_CLASS_NOTIF | FAN_REPORT_FID: the unprivileged kind
  report_fd("fanotify_init", ::syscall(SYS_fanotify_init, 0x00000200U, O_RDONLY));
  char ldt[16];
  report("modify_ldt", ::syscall(SYS_modify_ldt, 0, ldt, sizeof ldt));
  char path[64];
  report("lookup_dcookie", ::syscall(SYS_lookup_dcookie, 0ULL, path, sizeof path));
  struct {
    unsigned int bytes;
    int type;
    unsigned char data[128];
  } handle{128, 0, {}};
  int mount_id = 0;
  report("name_to_handle_at",
         ::syscall(SYS_name_to_handle_at, AT_FDCWD, "/tmp", &handle, &mount_id, 0));
  report_fd("open_by_handle_at", ::syscall(SYS_open_by_handle_at, AT_FDCWD, &handle, O_RDONLY));
}

void administration() {
  // an architecture that is not this one; no file descriptors
  report("kexec_load", ::syscall(SYS_kexec_load, 0UL, 0UL, nullptr, 0xffff0000UL));
  report("kexec_file_load", ::syscall(SYS_kexec_file_load, -1, -1, 0UL, "", 0UL));
  report("init_module", ::syscall(SYS_init_module, nullptr, 0UL, ""));
  report("finit_module", ::syscall(SYS_finit_module, -1, "", 0));
  report("delete_module", ::syscall(SYS_delete_module, "pixelgrad_none", O_NONBLOCK));
  // an unknown command: nothing would happen even where it got through
  report("reboot",
         ::syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, 0x12345678U, nullptr));
  report("swapon", ::syscall(SYS_swapon, "/tmp/pixelgrad-none", 0));
  report("swapoff", ::syscall(SYS_swapoff, "/tmp/pixelgrad-none"));
  report("acct", ::syscall(SYS_acct, "/tmp/pixelgrad-none/acct"));
  char info[64];
  report("quotactl", ::syscall(SYS_quotactl, QCMD(Q_GETFMT, USRQUOTA), "/tmp", 0, info));
  report("quotactl_fd", ::syscall(SYS_quotactl_fd, -1, QCMD(Q_GETFMT, USRQUOTA), 0, info));
  // SYSLOG_ACTION_SIZE_BUFFER
  report("syslog", ::syscall(SYS_syslog, 10, nullptr, 0));
}

void sockets() {
  const struct {
    const char* name;
    int family, type, protocol;
  } kinds[] = {{"AF_NETLINK,NETLINK_ROUTE", AF_NETLINK, SOCK_RAW, NETLINK_ROUTE},
               {"AF_NETLINK,NETLINK_NETFILTER", AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER},
               {"AF_PACKET", AF_PACKET, SOCK_RAW, 0},
               {"AF_VSOCK", AF_VSOCK, SOCK_STREAM, 0},
               {"AF_KEY", AF_KEY, SOCK_RAW, 2},
               {"AF_BLUETOOTH", AF_BLUETOOTH, SOCK_RAW, 0},
               {"AF_ALG", AF_ALG, SOCK_SEQPACKET, 0},
               {"AF_XDP", AF_XDP, SOCK_RAW, 0},
               {"AF_TIPC", AF_TIPC, SOCK_RDM, 0},
               {"AF_CAN", AF_CAN, SOCK_RAW, 1},
               {"AF_APPLETALK", AF_APPLETALK, SOCK_DGRAM, 0},
               {"AF_UNSPEC", AF_UNSPEC, SOCK_STREAM, 0},
               {"AF_UNIX", AF_UNIX, SOCK_STREAM, 0},
               {"AF_INET", AF_INET, SOCK_STREAM, 0},
               {"AF_INET6", AF_INET6, SOCK_DGRAM, 0}};
  for (const auto& k : kinds) {
    report_fd(std::string("socket(") + k.name + ")",
              ::syscall(SYS_socket, k.family, k.type, k.protocol));
  }
  // AF_NETLINK with garbage in the upper half of the register: the kernel reads an int
  report_fd("socket(AF_NETLINK,upper_bits)",
            ::syscall(SYS_socket, (1L << 32) | AF_NETLINK, SOCK_RAW, NETLINK_ROUTE));
  int pair[2];
  const long rc = ::syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, pair);
  report("socketpair(AF_UNIX)", rc);
  if (rc == 0) {
    ::close(pair[0]);
    ::close(pair[1]);
  }
  report("socketpair(AF_NETLINK)", ::syscall(SYS_socketpair, AF_NETLINK, SOCK_RAW, 0, pair));
}

void personas_and_terminals() {
  report("personality(PER_LINUX)", ::syscall(SYS_personality, PER_LINUX));
  report("personality(ADDR_NO_RANDOMIZE)", ::syscall(SYS_personality, ADDR_NO_RANDOMIZE));
  report("personality(READ_IMPLIES_EXEC)", ::syscall(SYS_personality, READ_IMPLIES_EXEC));
  report("personality(query)", ::syscall(SYS_personality, 0xffffffffUL));
  char c = 'x';
  report("ioctl(TIOCSTI)", ::syscall(SYS_ioctl, 0, TIOCSTI, &c));
  report("ioctl(TIOCLINUX)", ::syscall(SYS_ioctl, 0, TIOCLINUX, &c));
  int avail = 0;
  report("ioctl(FIONREAD)", ::syscall(SYS_ioctl, 0, FIONREAD, &avail));
}

// what an honest program does: fork, threads, a private fd table
void allowed() {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  report("fork", pid);
  if (pid > 0) ::waitpid(pid, nullptr, 0);
  bool ran = false;
  std::thread t([&] { ran = true; });
  t.join();
  std::printf("std::thread %d\n", ran ? 0 : -1);
  report("unshare(CLONE_FILES)", ::syscall(SYS_unshare, CLONE_FILES));
}

}  // namespace

int main() {
  if (::geteuid() == 0) {
    std::printf("refused: runs only as a user without privileges\n");
    return 2;
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  allowed();
  namespaces();
  mounts();
  other_processes();
  keyrings();
  rare_interfaces();
  administration();
  sockets();
  personas_and_terminals();
  std::printf("done 0\n");
  return 0;
}
