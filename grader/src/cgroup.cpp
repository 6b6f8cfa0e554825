// Making, joining, reading and removing the per-sandbox cgroups: the one that accounts a runner's
// CPU time (with the process-clock fallback where no cgroup can be made) and the ones that cap
// its memory, task count and CPU share. Not the rlimits (sandbox.cpp).
#include "cgroup.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

namespace pg::grader {

namespace {

namespace fs = std::filesystem;

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string part;
  std::istringstream in(s);
  while (std::getline(in, part, sep)) out.push_back(part);
  return out;
}

// The mount point of the cgroup v1 hierarchy holding `controller`, or of cgroup v2 when
// `controller` is empty; "" when there is none.
std::string mount_point(const std::string& controller) {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    // id parent major:minor root mount-point options [optional...] - fstype source super-options
    const auto dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    const auto before = split(line.substr(0, dash), ' ');
    const auto after = split(line.substr(dash + 3), ' ');
    if (before.size() < 5 || after.size() < 3) continue;
    if (controller.empty() && after[0] == "cgroup2") return before[4];
    if (!controller.empty() && after[0] == "cgroup") {
      for (const auto& opt : split(after[2], ',')) {
        if (opt == controller) return before[4];
      }
    }
  }
  return "";
}

// This process's cgroup in that hierarchy ("/" when it cannot tell).
std::string own_path(const std::string& controller) {
  std::ifstream in("/proc/self/cgroup");
  std::string line;
  while (std::getline(in, line)) {
    // hierarchy-id:controllers:path; cgroup v2 is "0::path"
    const auto a = line.find(':'), b = line.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    const auto controllers = split(line.substr(a + 1, b - a - 1), ',');
    const bool match =
        controller.empty()
            ? line.substr(0, a) == "0" && controllers.empty()
            : std::find(controllers.begin(), controllers.end(), controller) != controllers.end();
    if (match) return line.substr(b + 1);
  }
  return "/";
}

bool alive(pid_t pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

// Empty cgroups left by graders that were killed before they could remove them.
void remove_stale(const std::string& parent) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(parent, ec)) {
    const std::string name = e.path().filename().string();
    if (!name.starts_with("pixelgrad-")) continue;
    const std::string rest = name.substr(10);
    const auto dash = rest.find('-');
    const pid_t pid = static_cast<pid_t>(std::atol(rest.substr(0, dash).c_str()));
    if (pid > 0 && !alive(pid)) ::rmdir(e.path().c_str());
  }
}

// The folder new cgroups go in, if this process may make one there and move a process into it.
std::string usable_parent(const std::string& mount, const std::string& own) {
  if (mount.empty()) return "";
  std::string parent = mount + (own == "/" ? "" : own);
  if (!fs::is_directory(parent)) parent = mount;  // a cgroup namespace hides the path
  const std::string probe = parent + "/pixelgrad-" + std::to_string(::getpid()) + "-probe";
  if (::mkdir(probe.c_str(), 0755) != 0 && errno != EEXIST) return "";
  const int fd = ::open((probe + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
  const bool ok = fd >= 0;
  if (fd >= 0) ::close(fd);
  ::rmdir(probe.c_str());
  if (ok) remove_stale(parent);
  return ok ? parent : "";
}

double read_usage(int fd, CpuAccounting::Kind kind) {
  char buf[512];
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return 0;
  buf[n] = '\0';
  if (kind == CpuAccounting::Kind::cgroup_v1) return std::strtod(buf, nullptr) * 1e-9;
  // cgroup v2 cpu.stat: "usage_usec N\nuser_usec ..."
  const char* p = std::strstr(buf, "usage_usec ");
  return p ? std::strtod(p + 11, nullptr) * 1e-6 : 0;
}

// Every process whose ancestry leads to `root`, with `root` itself.
std::vector<pid_t> tree_of(pid_t root) {
  std::map<pid_t, std::vector<pid_t>> children;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "stat");
    std::string stat;
    std::getline(in, stat);
    const auto close = stat.rfind(')');  // the command name may hold spaces and parentheses
    if (close == std::string::npos) continue;
    std::istringstream fields(stat.substr(close + 2));
    char state = 0;
    long ppid = 0;
    fields >> state >> ppid;
    children[static_cast<pid_t>(ppid)].push_back(static_cast<pid_t>(std::stol(name)));
  }
  std::vector<pid_t> out = {root};
  for (std::size_t i = 0; i < out.size(); ++i) {
    for (pid_t c : children[out[i]]) out.push_back(c);
  }
  return out;
}

std::atomic<int> counter{0};

}  // namespace

std::string CpuAccounting::describe() const {
  switch (kind) {
    case Kind::cgroup_v1: return "CPU time from a cgroup (v1 cpuacct)";
    case Kind::cgroup_v2: return "CPU time from a cgroup (v2)";
    case Kind::process_clocks: break;
  }
  return "CPU time from process clocks (no cgroup)";
}

CpuAccounting detect_cpu_accounting() {
  CpuAccounting a;
  if (std::getenv("PIXELGRAD_NO_CGROUP") || ::geteuid() != 0) return a;
  if (std::string p = usable_parent(mount_point("cpuacct"), own_path("cpuacct")); !p.empty()) {
    a.kind = CpuAccounting::Kind::cgroup_v1;
    a.parent = p;
  } else if (std::string q = usable_parent(mount_point(""), own_path("")); !q.empty()) {
    a.kind = CpuAccounting::Kind::cgroup_v2;
    a.parent = q;
  }
  return a;
}

CpuMeter::CpuMeter(const CpuAccounting& how) : how_(how) {
  if (how_.kind == CpuAccounting::Kind::process_clocks) return;
  dir_ = how_.parent + "/pixelgrad-" + std::to_string(::getpid()) + "-" +
         std::to_string(counter.fetch_add(1));
  if (::mkdir(dir_.c_str(), 0755) != 0 && errno != EEXIST) {
    throw std::runtime_error(
        fmt::format("cannot make the cgroup {}: {}", dir_, std::strerror(errno)));
  }
  join_fd_ = ::open((dir_ + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
  const bool v1 = how_.kind == CpuAccounting::Kind::cgroup_v1;
  const char* usage = v1 ? "/cpuacct.usage" : "/cpu.stat";
  threads_ = dir_ + (v1 ? "/tasks" : "/cgroup.threads");
  usage_fd_ = ::open((dir_ + usage).c_str(), O_RDONLY | O_CLOEXEC);
  if (join_fd_ < 0 || usage_fd_ < 0) {
    const int e = errno;
    const std::string dir = dir_;
    release();  // a constructor that throws runs no destructor
    throw std::runtime_error(fmt::format("cannot open the cgroup {}: {}", dir, std::strerror(e)));
  }
}

CpuMeter::~CpuMeter() { release(); }

void CpuMeter::release() {
  if (join_fd_ >= 0) ::close(join_fd_);
  if (usage_fd_ >= 0) ::close(usage_fd_);
  join_fd_ = usage_fd_ = -1;
  if (dir_.empty()) return;
  // the last processes leave the cgroup a moment after they were killed
  for (int i = 0; i < 200 && ::rmdir(dir_.c_str()) != 0 && errno == EBUSY; ++i) ::usleep(1000);
  dir_.clear();
}

double CpuMeter::seconds() const {
  if (usage_fd_ >= 0) return read_usage(usage_fd_, how_.kind);
  if (root_ <= 0) return 0;
  double total = 0;
  for (pid_t pid : tree_of(root_)) {
    clockid_t clock;
    struct timespec ts{};
    if (::clock_getcpuclockid(pid, &clock) == 0 && ::clock_gettime(clock, &ts) == 0) {
      total += static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
    }
  }
  return total;
}

int CpuMeter::runnable_threads() const {
  std::vector<std::string> tids;
  if (!threads_.empty()) {
    std::ifstream in(threads_);
    for (std::string tid; in >> tid;) tids.push_back(tid);
  } else if (root_ > 0) {
    std::error_code ec;
    for (pid_t pid : tree_of(root_)) {
      for (const auto& e : fs::directory_iterator(fmt::format("/proc/{}/task", pid), ec)) {
        tids.push_back(e.path().filename().string());
      }
    }
  }
  int running = 0;
  for (const std::string& tid : tids) {
    std::ifstream in("/proc/" + tid + "/stat");
    std::string stat;
    std::getline(in, stat);
    const auto close = stat.rfind(')');  // the command name may hold spaces and parentheses
    if (close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'R') ++running;
  }
  return running;
}

std::string LimitControllers::describe() const {
  std::vector<std::string> have;
  if (!memory.empty()) have.push_back("memory");
  if (!pids.empty()) have.push_back("pids");
  if (!cpu.empty()) have.push_back("cpu");
  if (have.empty()) return "limits from rlimits only (no memory, pids or cpu cgroup)";
  std::string s = "limits from ";
  for (std::size_t i = 0; i < have.size(); ++i) {
    s += (i == 0 ? "" : i + 1 == have.size() ? " and " : ", ") + have[i];
  }
  return s + (have.size() == 1 ? " cgroup" : " cgroups") + " + rlimits";
}

LimitControllers detect_limit_controllers() {
  LimitControllers c;
  if (std::getenv("PIXELGRAD_NO_CGROUP") || ::geteuid() != 0) return c;
  c.memory = usable_parent(mount_point("memory"), own_path("memory"));
  c.pids = usable_parent(mount_point("pids"), own_path("pids"));
  c.cpu = usable_parent(mount_point("cpu"), own_path("cpu"));
  return c;
}

namespace {

bool write_file(const std::string& path, const std::string& value) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::write(fd, value.data(), value.size()) == static_cast<ssize_t>(value.size());
  ::close(fd);
  return ok;
}

std::string read_fd(int fd) {
  char buf[1024];
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

}  // namespace

LimitGroup::LimitGroup(const LimitControllers& where, long memory_mb, long max_procs,
                       double cores) {
  const std::string name =
      "/pixelgrad-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1));
  auto make = [&](const std::string& parent) -> std::string {
    if (parent.empty()) return "";
    const std::string dir = parent + name;
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
      throw std::runtime_error(
          fmt::format("cannot make the cgroup {}: {}", dir, std::strerror(errno)));
    }
    dirs_.push_back(dir);
    const int fd = ::open((dir + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
      throw std::runtime_error(
          fmt::format("cannot open {}/cgroup.procs: {}", dir, std::strerror(errno)));
    }
    join_fds_.push_back(fd);
    return dir;
  };
  try {
    if (const std::string dir = make(where.memory); !dir.empty()) {
      const std::string bytes = std::to_string(memory_mb << 20);
      // no swap: without a memsw limit a bomb would be pushed to swap, not stopped
      if (!write_file(dir + "/memory.limit_in_bytes", bytes)) {
        throw std::runtime_error(fmt::format("cannot set {}/memory.limit_in_bytes", dir));
      }
      write_file(dir + "/memory.memsw.limit_in_bytes", bytes);
      write_file(dir + "/memory.swappiness", "0");
      memory_usage_fd_ = ::open((dir + "/memory.max_usage_in_bytes").c_str(), O_RDONLY | O_CLOEXEC);
      oom_fd_ = ::open((dir + "/memory.oom_control").c_str(), O_RDONLY | O_CLOEXEC);
    }
    if (const std::string dir = make(where.pids); !dir.empty() && max_procs > 0) {
      write_file(dir + "/pids.max", std::to_string(max_procs));
    }
    if (const std::string dir = make(where.cpu); !dir.empty() && cores > 0) {
      const long period = 100000;
      write_file(dir + "/cpu.cfs_period_us", std::to_string(period));
      write_file(dir + "/cpu.cfs_quota_us", std::to_string(static_cast<long>(cores * period)));
    }
  } catch (...) {
    release();  // a constructor that throws runs no destructor
    throw;
  }
}

LimitGroup::~LimitGroup() { release(); }

void LimitGroup::release() {
  for (int& fd : join_fds_) ::close(fd);
  join_fds_.clear();
  for (int* fd : {&memory_usage_fd_, &oom_fd_}) {
    if (*fd >= 0) ::close(*fd);
    *fd = -1;
  }
  for (const std::string& dir : dirs_) {
    // the last processes leave the cgroup a moment after they were killed
    for (int i = 0; i < 200 && ::rmdir(dir.c_str()) != 0 && errno == EBUSY; ++i) ::usleep(1000);
  }
  dirs_.clear();
}

long LimitGroup::peak_kb() const {
  if (memory_usage_fd_ < 0) return -1;
  return static_cast<long>(std::strtoull(read_fd(memory_usage_fd_).c_str(), nullptr, 10) >> 10);
}

bool LimitGroup::killed_for_memory() const {
  if (oom_fd_ < 0) return false;
  // "oom_kill_disable 0\nunder_oom 0\noom_kill N\n"
  const std::string s = read_fd(oom_fd_);
  const auto at = s.find("oom_kill ");
  return at != std::string::npos && std::strtol(s.c_str() + at + 9, nullptr, 10) > 0;
}

}  // namespace pg::grader
