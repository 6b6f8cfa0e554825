// fork/exec into bubblewrap with rlimits and an unprivileged uid; pipes; kill and reap.
// Not the protocol (session.cpp): this file only starts, watches and ends processes.
#include "sandbox.hpp"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "common/blas.hpp"
#include "seccomp.hpp"

// OpenBLAS names the kernels it chose ("Haswell", "SkylakeX", "Prescott", ...)
extern "C" char* openblas_get_corename(void);

namespace pg::grader {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr long kTmpBytes = 64L << 20;  // the size of a sandbox's private /tmp (a tmpfs)
constexpr int kFilterFd = 6;          // where bubblewrap reads the seccomp filter (--seccomp)

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

void make_pipe(int fds[2]) {
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("pipe2 failed: ") + std::strerror(errno));
  }
}

// the environment a sandboxed process gets: nothing of the grader's but a few knobs
std::vector<std::string> sandbox_env(const SandboxPolicy& p) {
  std::vector<std::string> env = {"PATH=/usr/bin:/bin", "HOME=/tmp", "LANG=C.UTF-8",
                                  "OPENBLAS_NUM_THREADS=1", "OMP_NUM_THREADS=1"};
  for (const char* keep : {"OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"}) {
    if (const char* v = std::getenv(keep)) env.push_back(std::string(keep) + "=" + v);
  }
  if (!p.blas_core.empty() && !std::getenv("OPENBLAS_CORETYPE")) {
    env.push_back("OPENBLAS_CORETYPE=" + p.blas_core);
  }
  return env;
}

// a path inside the sandbox, as the host sees it (for rlimits-only mode)
std::string host_path(const SandboxConfig& c, const std::string& inside) {
  for (const Mount& m : c.mounts) {
    if (inside == m.inside) return m.host;
    if (inside.starts_with(m.inside + "/")) return m.host + inside.substr(m.inside.size());
  }
  return inside;
}

std::vector<std::string> full_argv(const SandboxPolicy& p, const SandboxConfig& c) {
  std::vector<std::string> a;
  if (!p.use_bwrap) {
    // a path may also stand inside an option, as in -I/kit/include
    for (const auto& arg : c.argv) {
      auto slash = arg.find('/');
      a.push_back(slash == std::string::npos ? arg
                                             : arg.substr(0, slash) + host_path(c, arg.substr(slash)));
    }
    return a;
  }
  // --disable-userns: no user namespace inside (it needs --unshare-user, which --unshare-all
  // only tries)
  a = {p.bwrap, "--unshare-all", "--unshare-user", "--disable-userns",
       "--die-with-parent", "--new-session",
       "--ro-bind", "/usr", "/usr",
       "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib",
       "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/sbin", "/sbin",
       "--ro-bind-try", "/etc/alternatives", "/etc/alternatives",
       "--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache",
       "--proc", "/proc",
       "--size", std::to_string(kTmpBytes), "--tmpfs", "/tmp"};
  if (c.with_dev) {
    a.insert(a.end(), {"--dev", "/dev"});
  }
  for (const Mount& m : c.mounts) {
    a.insert(a.end(), {m.writable ? "--bind" : "--ro-bind", m.host, m.inside});
  }
  if (p.seccomp) {
    // loaded by bubblewrap last, after its own setup, in the sandbox's pid 1 and the command
    a.insert(a.end(), {"--seccomp", std::to_string(kFilterFd)});
  }
  a.insert(a.end(), {"--chdir", c.workdir, "--"});
  a.insert(a.end(), c.argv.begin(), c.argv.end());
  return a;
}

void set_limit(int resource, rlim_t value) {
  struct rlimit r{value, value};
  ::setrlimit(resource, &r);
}

// runs in the forked child: only async-signal-safe calls from here to exec
[[noreturn]] void exec_child(const SandboxPolicy& p, const SandboxConfig& c, char* const argv[],
                             char* const envp[], const char* host_workdir, int log_w, int req_r,
                             int resp_w, int err_w, int cgroup_fd, const int* limit_fds,
                             std::size_t limit_count, int filter_fd, const std::string* filter) {
  ::setpgid(0, 0);
  // into the sandbox's cgroups first: everything it starts from here on is accounted and
  // limited there
  for (std::size_t i = 0; i <= limit_count; ++i) {
    const int fd = i < limit_count ? limit_fds[i] : cgroup_fd;
    if (fd >= 0 && ::write(fd, "0\n", 2) != 2) {
      int e = errno;
      (void)!::write(err_w, &e, sizeof e);
      ::_exit(127);
    }
  }
  // move every fd we keep above 100 first, so the dup2s below cannot clobber one another
  int devnull = ::open("/dev/null", O_RDONLY);
  int keep[6] = {devnull, log_w, req_r, resp_w, err_w, filter_fd};
  for (int& fd : keep) {
    if (fd >= 0) fd = ::fcntl(fd, F_DUPFD, 100);
  }
  ::dup2(keep[0], 0);
  ::dup2(keep[1], 1);
  ::dup2(keep[1], 2);
  if (keep[2] >= 0) ::dup2(keep[2], 3);
  if (keep[3] >= 0) ::dup2(keep[3], 4);
  ::dup2(keep[4], 5);
  ::fcntl(5, F_SETFD, FD_CLOEXEC);
  if (keep[5] >= 0) ::dup2(keep[5], kFilterFd);
  const unsigned first_closed = keep[5] >= 0 ? kFilterFd + 1 : kFilterFd;
  ::syscall(SYS_close_range, first_closed, ~0U, 0U);

  const Limits& l = c.limits;
  double cpu = l.cpu_s > 0 ? l.cpu_s : l.wall_s + 1;
  // soft below hard: the kernel sends SIGXCPU at the limit (a verdict of timeout), and SIGKILL a
  // second later only if that is caught
  const auto cpu_soft = static_cast<rlim_t>(std::ceil(cpu));
  struct rlimit cpu_limit{cpu_soft, cpu_soft + 1};
  ::setrlimit(RLIMIT_CPU, &cpu_limit);
  if (c.limit_address_space) set_limit(RLIMIT_AS, static_cast<rlim_t>(l.memory_mb) << 20);
  set_limit(RLIMIT_FSIZE, static_cast<rlim_t>(l.file_mb) << 20);
  set_limit(RLIMIT_STACK, static_cast<rlim_t>(l.stack_mb) << 20);
  set_limit(RLIMIT_CORE, 0);
  set_limit(RLIMIT_NOFILE, static_cast<rlim_t>(l.max_files));
  if (p.uid >= 0) {
    // a uid of its own: the process count limit then counts only this sandbox's processes
    set_limit(RLIMIT_NPROC, static_cast<rlim_t>(l.max_procs));
    gid_t gid = static_cast<gid_t>(p.uid);
    if (::setgroups(0, nullptr) != 0 || ::setresgid(gid, gid, gid) != 0 ||
        ::setresuid(p.uid, p.uid, p.uid) != 0) {
      int e = errno;
      (void)!::write(5, &e, sizeof e);
      ::_exit(127);
    }
  }
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  if (!p.use_bwrap && ::chdir(host_workdir) != 0) {
    int e = errno;
    (void)!::write(5, &e, sizeof e);
    ::_exit(127);
  }
  // without bubblewrap the filter is loaded here, last, with no_new_privs already set
  if (filter) {
    if (int e = load_seccomp_program(*filter); e != 0) {
      (void)!::write(5, &e, sizeof e);
      ::_exit(127);
    }
  }
  ::execve(argv[0], argv, envp);
  int e = errno;
  (void)!::write(5, &e, sizeof e);
  ::_exit(127);
}

int pidfd_open(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

}  // namespace

SlotLock SlotLock::acquire() {
  constexpr int kSlots = 256;
  for (int slot = 0; slot < kSlots; ++slot) {
    const std::string path = "/tmp/pixelgrad-slot-" + std::to_string(slot) + ".lock";
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) continue;
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return SlotLock(fd, slot);
    ::close(fd);
  }
  throw std::runtime_error(
      fmt::format("all {} grading slots are in use (/tmp/pixelgrad-slot-*.lock)", kSlots));
}

SlotLock::~SlotLock() {
  if (fd_ >= 0) ::close(fd_);
}

std::string SandboxPolicy::describe() const {
  std::string s = use_bwrap ? "bubblewrap (no network, read-only system, private /tmp) + rlimits"
                            : "rlimits only (bubblewrap unavailable)";
  if (seccomp) s += " + seccomp";
  s += uid >= 0 ? fmt::format(", uid {}", uid) : ", the grader's own uid";
  s = fmt::format("{}; {}; {}", s, cpu.describe(), cgroups.describe());
  if (!blas_core.empty()) {
    s += fmt::format("; OpenBLAS kernels {} (it took this processor for a {})", blas_core,
                     openblas_get_corename());
  }
  return s;
}

SandboxPolicy detect_sandbox(int slot, int base_uid) {
  SandboxPolicy p;
  if (::geteuid() == 0) p.uid = base_uid + 3 * slot;
  p.cpu = detect_cpu_accounting();
  p.cgroups = detect_limit_controllers();
  p.seccomp = seccomp_available();
  p.blas_core = blas_kernels_for_this_processor();
  for (const char* candidate : {"/usr/bin/bwrap", "/bin/bwrap"}) {
    if (::access(candidate, X_OK) == 0) {
      p.bwrap = candidate;
      break;
    }
  }
  if (!p.bwrap.empty() && !std::getenv("PIXELGRAD_NO_BWRAP")) {
    // a trivial sandbox proves that namespaces work here (they may be off in a container)
    p.use_bwrap = true;
    SandboxConfig probe;
    probe.argv = {"/usr/bin/true"};
    probe.limits.wall_s = 10;
    try {
      RunResult r = run_to_end(p, probe);
      p.use_bwrap = r.status.exited && r.status.code == 0;
    } catch (const std::exception&) {
      p.use_bwrap = false;
    }
  }
  return p;
}

Child& Child::operator=(Child&& o) noexcept {
  if (this != &o) {
    release();
    pid_ = std::exchange(o.pid_, -1);
    request_fd_ = std::exchange(o.request_fd_, -1);
    response_fd_ = std::exchange(o.response_fd_, -1);
    log_fd_ = std::exchange(o.log_fd_, -1);
    reaped_ = o.reaped_;
    bwrap_ = o.bwrap_;
    status_ = o.status_;
    limits_ = std::move(o.limits_);
  }
  return *this;
}

Child::~Child() { release(); }

void Child::release() {
  if (pid_ > 0 && !reaped_) {
    kill();
    wait();
  }
  close_fd(request_fd_);
  close_fd(response_fd_);
  close_fd(log_fd_);
  pid_ = -1;
  limits_.reset();
}

void Child::close_request() { close_fd(request_fd_); }

void Child::kill() {
  if (pid_ <= 0 || reaped_) return;
  ::kill(-pid_, SIGKILL);
  ::kill(pid_, SIGKILL);
}

ExitStatus Child::wait() {
  if (pid_ <= 0 || reaped_) return status_;
  int st = 0;
  struct rusage ru{};
  while (::wait4(pid_, &st, 0, &ru) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  status_.cpu_s = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                  static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
  status_.max_rss_kb = ru.ru_maxrss;
  if (limits_ && limits_->has_memory()) {
    // bubblewrap's own rusage does not include the sandbox (its init is never reaped by it)
    status_.max_rss_kb = limits_->peak_kb();
    status_.memory_cgroup = true;
    status_.killed_for_memory = limits_->killed_for_memory();
  }
  if (WIFSIGNALED(st)) {
    status_.signal = WTERMSIG(st);
  } else {
    int code = WEXITSTATUS(st);
    // bubblewrap reports a command killed by signal s as exit status 128 + s
    if (bwrap_ && code > 128 && code < 128 + 65) {
      status_.signal = code - 128;
    } else {
      status_.exited = true;
      status_.code = code;
    }
  }
  return status_;
}

bool Child::exits_within(double seconds) {
  if (pid_ <= 0 || reaped_) return true;
  int fd = pidfd_open(pid_);
  if (fd < 0) return false;
  struct pollfd p{fd, POLLIN, 0};
  int k = ::poll(&p, 1, static_cast<int>(seconds * 1000));
  ::close(fd);
  return k > 0;
}

// fork() from one thread at a time: two threads of the grader start sandboxes at once (a build
// beside the reference, a test beside the others), and OpenBLAS's fork handler deadlocks when two
// forks run it together
static pid_t fork_alone() {
  static std::mutex forking;
  std::lock_guard<std::mutex> lock(forking);
  return ::fork();
}

Child spawn(const SandboxPolicy& policy, const SandboxConfig& config) {
  // orphans of a sandbox (its init, once bwrap is gone) are reparented to us, and we reap them;
  // otherwise they wait as zombies for the machine's init and count against the uid's limit
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  std::vector<std::string> args = full_argv(policy, config);
  std::vector<std::string> env = sandbox_env(policy);
  env.insert(env.end(), config.env.begin(), config.env.end());
  std::vector<char*> argv, envp;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  for (auto& s : env) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string workdir = host_path(config, config.workdir);

  int log[2], req[2] = {-1, -1}, resp[2] = {-1, -1}, err[2];
  make_pipe(log);
  make_pipe(err);
  if (config.protocol_pipes) {
    // requests on a unix socket: a load passes its inputs as a sealed memfd (SCM_RIGHTS)
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, req) != 0) {
      throw std::runtime_error(std::string("socketpair failed: ") + std::strerror(errno));
    }
    make_pipe(resp);
    // a large answer then crosses in a few hundred KiB at a time, not 64 KiB
    ::fcntl(resp[0], F_SETPIPE_SZ, 1 << 20);
  }
  std::unique_ptr<LimitGroup> limits;
  if (!policy.cgroups.memory.empty() || !policy.cgroups.pids.empty() ||
      !policy.cgroups.cpu.empty()) {
    // the memory cap holds the processes and the private /tmp (a tmpfs of kTmpBytes); the task
    // cap counts bubblewrap and the sandbox's init besides the limit
    limits = std::make_unique<LimitGroup>(policy.cgroups,
                                          config.limits.memory_mb + (kTmpBytes >> 20),
                                          config.limits.max_procs + 2, config.cores);
  }
  // the system call filter: a memfd that bubblewrap reads, else the program the child loads
  const std::string* filter = policy.seccomp && !policy.use_bwrap ? &seccomp_program() : nullptr;
  int filter_fd = policy.seccomp && policy.use_bwrap ? seccomp_memfd() : -1;
  pid_t pid = fork_alone();
  if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    exec_child(policy, config, argv.data(), envp.data(), workdir.c_str(), log[1], req[0], resp[1],
               err[1], config.cgroup_join_fd, limits ? limits->join_fds().data() : nullptr,
               limits ? limits->join_fds().size() : 0, filter_fd, filter);
  }
  close_fd(filter_fd);
  ::close(log[1]);
  ::close(err[1]);
  if (config.protocol_pipes) {
    ::close(req[0]);
    ::close(resp[1]);
  }
  Child child;
  child.limits_ = std::move(limits);
  child.pid_ = pid;
  child.bwrap_ = policy.use_bwrap;
  child.log_fd_ = log[0];
  child.request_fd_ = req[1];
  child.response_fd_ = resp[0];
  // the error pipe closes on a successful exec; 4 bytes mean exec (or setuid) failed
  int e = 0;
  ssize_t n;
  while ((n = ::read(err[0], &e, sizeof e)) < 0 && errno == EINTR) {
  }
  ::close(err[0]);
  if (n == static_cast<ssize_t>(sizeof e)) {
    child.wait();
    throw std::runtime_error(fmt::format("cannot start {}: {}", args[0], std::strerror(e)));
  }
  // a peer that dies must not kill the grader with SIGPIPE
  ::signal(SIGPIPE, SIG_IGN);
  return child;
}

namespace {

// One process of run_all_to_end: its pipes, its deadline, what it printed.
struct Running {
  Child child;
  int pidfd = -1;
  Clock::time_point start, deadline;
  std::size_t cap = 0;
  bool log_open = true, exited = false, done = false;
  RunResult r;
};

}  // namespace

std::vector<RunResult> run_all_to_end(const SandboxPolicy& policy,
                                      const std::vector<SandboxConfig>& configs) {
  const std::size_t at_once =
      std::max<std::size_t>(1, std::min<std::size_t>(configs.size(), std::thread::hardware_concurrency()));
  std::vector<Running> runs(configs.size());
  std::size_t started = 0, finished = 0;
  auto start_next = [&] {
    Running& x = runs[started];
    const SandboxConfig& c = configs[started++];
    x.start = Clock::now();
    x.deadline = x.start + std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(c.limits.wall_s));
    x.child = spawn(policy, c);
    x.child.close_request();
    x.pidfd = pidfd_open(x.child.pid());
    x.cap = static_cast<std::size_t>(c.limits.output_kb) * 1024;
  };
  auto finish = [&](Running& x) {
    if (x.pidfd >= 0) ::close(x.pidfd);
    x.pidfd = -1;
    x.r.status = x.child.wait();
    x.r.wall_s = std::chrono::duration<double>(Clock::now() - x.start).count();
    x.done = true;
    ++finished;
  };
  char buf[65536];
  while (finished < configs.size()) {
    while (started < configs.size() && started - finished < at_once) start_next();
    std::vector<struct pollfd> fds;
    std::vector<Running*> owner;
    long wait_ms = 1000;
    for (std::size_t i = 0; i < started; ++i) {
      Running& x = runs[i];
      if (x.done) continue;
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(x.deadline - Clock::now());
      if (left.count() <= 0) {
        x.r.timed_out = true;
        x.child.kill();
        finish(x);
        continue;
      }
      if (x.exited && !x.log_open) {
        finish(x);
        continue;
      }
      wait_ms = std::min<long>(wait_ms, left.count());
      fds.push_back({x.log_open ? x.child.log_fd() : -1, POLLIN, 0});
      owner.push_back(&x);
      fds.push_back({x.exited ? -1 : x.pidfd, POLLIN, 0});
      owner.push_back(&x);
    }
    if (fds.empty()) continue;
    int k = ::poll(fds.data(), fds.size(), static_cast<int>(wait_ms));
    if (k < 0 && errno != EINTR) {
      for (std::size_t i = 0; i < started; ++i) {
        if (!runs[i].done) {
          runs[i].child.kill();
          finish(runs[i]);
        }
      }
      break;
    }
    for (std::size_t j = 0; k > 0 && j < fds.size(); j += 2) {
      Running& x = *owner[j];
      if (fds[j].revents) {
        ssize_t got = ::read(x.child.log_fd(), buf, sizeof buf);
        if (got <= 0) {
          x.log_open = false;
        } else if (x.r.output.size() < x.cap) {
          x.r.output.append(buf, std::min(static_cast<std::size_t>(got), x.cap - x.r.output.size()));
          if (x.r.output.size() == x.cap) x.r.output_truncated = true;
        } else {
          x.r.output_truncated = true;
        }
      }
      if (fds[j + 1].revents) x.exited = true;
      if (x.pidfd < 0) x.exited = true;  // no pidfd: fall back to waiting after the log closes
    }
  }
  // only now: they all run under one uid, and the sweep ends every process of it
  sweep(policy);
  std::vector<RunResult> out;
  for (Running& x : runs) out.push_back(std::move(x.r));
  return out;
}

RunResult run_to_end(const SandboxPolicy& policy, const SandboxConfig& config) {
  return run_all_to_end(policy, {config}).front();
}

namespace {

// the processes whose uid is `uid`, from /proc; zombies that are our children are reaped on the way
// (the grader is a child subreaper, so a sandbox's orphans come back to it to be reaped)
std::vector<pid_t> processes_of(int uid) {
  std::vector<pid_t> out;
  for (const auto& e : fs::directory_iterator("/proc", fs::directory_options::skip_permission_denied)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    struct stat st{};
    if (::stat(e.path().c_str(), &st) != 0 || static_cast<int>(st.st_uid) != uid) continue;
    const auto pid = static_cast<pid_t>(std::stol(name));
    if (::waitpid(pid, nullptr, WNOHANG) == pid) continue;  // a zombie of ours, now gone
    out.push_back(pid);
  }
  return out;
}

}  // namespace

void sweep(const SandboxPolicy& policy) {
  if (policy.uid < 0) return;
  for (int round = 0; round < 2000; ++round) {
    if (processes_of(policy.uid).empty()) return;
    // a process of that uid may signal every other one of it: kill(-1) from inside the uid
    pid_t pid = fork_alone();
    if (pid == 0) {
      if (::setresgid(policy.uid, policy.uid, policy.uid) == 0 &&
          ::setresuid(policy.uid, policy.uid, policy.uid) == 0) {
        ::kill(-1, SIGKILL);
      }
      ::_exit(0);
    }
    if (pid > 0) {
      while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
      }
    }
    ::usleep(1000);
  }
}

void hand_over(const SandboxPolicy& policy, const std::string& path) {
  if (policy.uid < 0) return;
  auto own = [&](const fs::path& p) {
    if (::lchown(p.c_str(), static_cast<uid_t>(policy.uid), static_cast<gid_t>(policy.uid)) != 0) {
      throw std::runtime_error(fmt::format("cannot hand {} to uid {}: {}", p.string(), policy.uid,
                                           std::strerror(errno)));
    }
  };
  own(path);
  for (const auto& e : fs::recursive_directory_iterator(path)) own(e.path());
}

std::string signal_name(int sig) {
  switch (sig) {
    case SIGSEGV: return "SIGSEGV (segmentation fault: an invalid memory access)";
    case SIGABRT: return "SIGABRT (abort: a failed assertion or an uncaught exception)";
    case SIGFPE: return "SIGFPE (arithmetic error, e.g. integer division by zero)";
    case SIGBUS: return "SIGBUS (bus error: a misaligned or unmapped memory access)";
    case SIGILL: return "SIGILL (illegal instruction)";
    case SIGKILL: return "SIGKILL (killed)";
    case SIGXCPU: return "SIGXCPU (CPU time limit)";
    case SIGXFSZ: return "SIGXFSZ (file size limit)";
    case SIGPIPE: return "SIGPIPE (wrote to a closed pipe)";
    default: return fmt::format("signal {} ({})", sig, ::strsignal(sig));
  }
}

}  // namespace pg::grader
