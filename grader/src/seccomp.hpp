// The system call filter of every sandboxed process (compilers, linkers, runners): a denylist
// built with libseccomp. Not where or when it is loaded (sandbox.cpp), nor the other limits.
#pragma once

#include <string>

namespace pg::grader {

// The filter as a seccomp BPF program (struct sock_filter[], 8 bytes an instruction, as
// seccomp_export_bpf writes it), built once for this machine's architecture. Every call made
// through another ABI (int 0x80, x32) fails with EPERM, and so do these:
//   namespaces    unshare and clone with a namespace flag (CLONE_NEWUSER, CLONE_NEWNS, ...), setns
//   mounts        mount, umount, umount2, pivot_root, chroot, and the new mount API (open_tree,
//                 move_mount, fsopen, fsconfig, fsmount, fspick, mount_setattr)
//   other processes  ptrace, process_vm_readv, process_vm_writev, process_madvise, pidfd_getfd,
//                 kcmp
//   keyrings      keyctl, add_key, request_key
//   rare kernel interfaces  io_uring_setup, io_uring_enter, io_uring_register, bpf,
//                 perf_event_open, userfaultfd, fanotify_init, modify_ldt, lookup_dcookie,
//                 name_to_handle_at, open_by_handle_at
//   administration  kexec_load, kexec_file_load, init_module, finit_module, delete_module,
//                 reboot, swapon, swapoff, acct, quotactl, quotactl_fd, syslog
//   sockets       socket and socketpair of any family but AF_UNIX, AF_INET and AF_INET6
//   personality   any persona but PER_LINUX (0), the query 0xffffffff included
//   terminals     ioctl TIOCSTI (typing into a terminal) and TIOCLINUX
// clone3 fails with ENOSYS instead: its flags are in memory, out of the filter's reach, and the
// C library then falls back to clone, whose flags the filter reads.
// Throws std::runtime_error if libseccomp cannot build it.
const std::string& seccomp_program();

// True when the kernel can load a seccomp filter and libseccomp builds the program here.
bool seccomp_available();

// A new memfd (close-on-exec) holding seccomp_program() from offset 0, for bubblewrap's
// --seccomp FD. Throws std::runtime_error if it cannot be made.
int seccomp_memfd();

// Loads `program` into the calling process with one prctl: async-signal-safe, for a forked child
// just before exec. Requires PR_SET_NO_NEW_PRIVS (or CAP_SYS_ADMIN). Returns 0, else the errno.
int load_seccomp_program(const std::string& program) noexcept;

}  // namespace pg::grader
