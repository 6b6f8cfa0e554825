// One poll loop per request: write the request, read the answer, drain stdout/stderr, watch the
// clock. The runner is untrusted, so every read is bounded and every wait has a deadline.
// Not the sandbox set-up (sandbox.cpp).
#include "session.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "recording.hpp"

namespace pg::grader {

namespace {

using Clock = std::chrono::steady_clock;
// the largest answer of any case is about 20 MB (the kNN distances of a timed test); a runner
// announcing more than this is lying or broken, and the grader never holds more of it
constexpr std::uint64_t kMaxAnswer = std::uint64_t{256} << 20;
// how often a runner that has not answered yet is looked at (its CPU time, its runnable threads)
constexpr double kSampleEvery = 0.1;
const double kMachineCores = std::max(1u, std::thread::hardware_concurrency());

Clock::duration to_duration(double seconds) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

}  // namespace

SealedPayload::SealedPayload(const wire::Message& m) {
  bytes_ = wire::payload_size(m);
  fd_ = ::memfd_create("pixelgrad-inputs", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd_ < 0) throw std::runtime_error(std::string("memfd_create failed: ") + std::strerror(errno));
  if (::ftruncate(fd_, static_cast<off_t>(bytes_)) != 0) {
    const int e = errno;
    ::close(fd_);
    throw std::runtime_error(std::string("cannot size the inputs' memfd: ") + std::strerror(e));
  }
  void* p = ::mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
  if (p == MAP_FAILED) {
    const int e = errno;
    ::close(fd_);
    throw std::runtime_error(std::string("cannot map the inputs' memfd: ") + std::strerror(e));
  }
  // a process forked meanwhile by another thread (a compiler starting) must not inherit the
  // writable mapping: it would keep F_SEAL_WRITE from being set until it execs
  ::madvise(p, bytes_, MADV_DONTFORK);
  wire::encode_payload(m, static_cast<char*>(p));
  ::munmap(p, bytes_);  // a writable mapping would keep F_SEAL_WRITE from being set
  int sealed = -1;
  for (int attempt = 0; attempt < 1000; ++attempt) {
    sealed = ::fcntl(fd_, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
    if (sealed == 0 || errno != EBUSY) break;
    ::usleep(1000);  // a child forked before the madvise still holds it, until it execs
  }
  if (sealed != 0) {
    const int e = errno;
    ::close(fd_);
    throw std::runtime_error(std::string("cannot seal the inputs' memfd: ") + std::strerror(e));
  }
}

SealedPayload::~SealedPayload() {
  if (fd_ >= 0) ::close(fd_);
}

std::uint32_t SealedPayload::crc32() const {
  if (bytes_ == 0) return Recording::crc_of(nullptr, 0);
  void* p = ::mmap(nullptr, bytes_, PROT_READ, MAP_SHARED, fd_, 0);
  if (p == MAP_FAILED) {
    throw std::runtime_error(std::string("cannot map the inputs' memfd: ") + std::strerror(errno));
  }
  const std::uint32_t crc = Recording::crc_of(static_cast<const char*>(p), bytes_);
  ::munmap(p, bytes_);
  return crc;
}

RunnerSession::RunnerSession(const SandboxPolicy& policy, SandboxConfig config)
    : policy_(policy), config_(std::move(config)) {
  config_.protocol_pipes = true;
  try {
    cpu_ = std::make_unique<CpuMeter>(policy_.cpu);
  } catch (const std::runtime_error&) {
    cpu_ = std::make_unique<CpuMeter>(CpuAccounting{});  // process clocks, then
  }
  config_.cgroup_join_fd = cpu_->join_fd();
  child_ = spawn(policy_, config_);
  cpu_->set_root(child_.pid());
  set_deadline_from_now(config_.limits.wall_s);
}

RunnerSession::~RunnerSession() {
  child_.kill();
  child_.wait();
  sweep(policy_);
}

void RunnerSession::set_deadline_from_now(double seconds) {
  const auto now = Clock::now();
  deadline_ = now + to_duration(seconds);
  latest_ = now + to_duration(kMaxStretch * seconds);
  waited_s_ = 0;
  look_from_now();
}

// Between requests the runner waits for the grader (asleep, not waiting for a processor): the
// looks start again with each request.
void RunnerSession::look_from_now() {
  sampled_at_ = Clock::now();
  sampled_cpu_ = cpu_->seconds();
  sampled_runnable_ = 0;
}

// Between two looks at the runner, the CPU time it could have had is its runnable threads (on
// average over the two looks), at most its CPU share; what it had is its CPU time. The rest it
// spent waiting for a processor that other work held, and the deadline moves on by that much: on
// a busy machine a test gets the same time for its own work as on an idle one. Time spent
// asleep or blocked (sleep(), a read that never returns) is not runnable and still counts.
void RunnerSession::credit_waiting() {
  const auto now = Clock::now();
  const double dt = std::chrono::duration<double>(now - sampled_at_).count();
  if (dt < kSampleEvery) return;
  const double cpu = cpu_->seconds();
  const int runnable = cpu_->runnable_threads();
  const double cores = config_.cores > 0 ? config_.cores : kMachineCores;
  const double could = std::min({0.5 * (runnable + sampled_runnable_), cores, kMachineCores});
  const double waited = std::max(0.0, could * dt - (cpu - sampled_cpu_));
  if (waited > 0 && deadline_ < latest_) {
    deadline_ = std::min(latest_, deadline_ + to_duration(waited));
    waited_s_ += waited;
  }
  sampled_at_ = now;
  sampled_cpu_ = cpu;
  sampled_runnable_ = runnable;
}

Exchange RunnerSession::fail(Exchange::Status s, std::string detail) {
  Exchange e;
  e.status = s;
  e.detail = std::move(detail);
  // a runner that died closes its pipes a moment before its exit status is there: wait for it,
  // so that a segmentation fault is reported as such and not as our SIGKILL
  if (s != Exchange::Status::died || !child_.exits_within(2.0)) child_.kill();
  e.exit = child_.wait();
  // the CPU time of the whole sandbox (bubblewrap's own rusage does not include it)
  e.exit.cpu_s = std::max(e.exit.cpu_s, cpu_->seconds());
  alive_ = false;
  // whatever it printed before dying is still worth showing
  bool over = false;
  drain_output(over);
  return e;
}

void RunnerSession::drain_output(bool& over_limit) {
  const std::size_t cap = static_cast<std::size_t>(config_.limits.output_kb) * 1024;
  char buf[65536];
  for (;;) {
    struct pollfd p{child_.log_fd(), POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0 || !(p.revents & (POLLIN | POLLHUP))) return;
    ssize_t got = ::read(child_.log_fd(), buf, sizeof buf);
    if (got <= 0) return;
    std::size_t room = cap > output_.size() ? cap - output_.size() : 0;
    output_.append(buf, std::min(room, static_cast<std::size_t>(got)));
    if (static_cast<std::size_t>(got) > room) {
      output_truncated_ = true;
      over_limit = true;
      return;
    }
  }
}

// The first bytes of a request, with a descriptor attached.
static ssize_t send_with_fd(int socket, const char* p, std::size_t n, int fd) {
  struct iovec iov{const_cast<char*>(p), n};
  alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  struct msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  return ::sendmsg(socket, &msg, MSG_NOSIGNAL);
}

Exchange RunnerSession::request(const wire::Message& m, int passed_fd) {
  if (!alive_) return fail(Exchange::Status::died);
  const std::string frame = wire::encode(m);
  std::size_t sent = 0;
  std::string header, payload;
  std::uint64_t want = 0;  // payload bytes expected, once the header is in
  const double cpu_start = cpu_->seconds();
  const auto start = Clock::now();
  look_from_now();
  char buf[1 << 16];
  for (;;) {
    credit_waiting();
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
    if (left.count() <= 0) return fail(Exchange::Status::timeout);
    struct pollfd fds[3] = {
        {sent < frame.size() ? child_.request_fd() : -1, POLLOUT, 0},
        {child_.response_fd(), POLLIN, 0},
        {child_.log_fd(), POLLIN, 0},
    };
    int k = ::poll(fds, 3, static_cast<int>(std::min<long>(left.count(), 1000 * kSampleEvery)));
    if (k < 0 && errno != EINTR) return fail(Exchange::Status::died, std::strerror(errno));
    if (k <= 0) continue;
    if (fds[2].revents) {
      bool over = false;
      drain_output(over);
      if (over) return fail(Exchange::Status::output_limit);
    }
    if (fds[0].revents & (POLLERR | POLLHUP)) return fail(Exchange::Status::died);
    if (fds[0].revents & POLLOUT) {
      const std::size_t chunk = std::min<std::size_t>(frame.size() - sent, 1 << 20);
      ssize_t n = sent == 0 && passed_fd >= 0
                      ? send_with_fd(child_.request_fd(), frame.data(), chunk, passed_fd)
                      : ::send(child_.request_fd(), frame.data() + sent, chunk, MSG_NOSIGNAL);
      if (n < 0 && errno != EAGAIN && errno != EINTR) return fail(Exchange::Status::died);
      if (n > 0) sent += static_cast<std::size_t>(n);
    }
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      std::size_t need = header.size() < wire::kHeaderBytes ? wire::kHeaderBytes - header.size()
                                                            : want - payload.size();
      ssize_t n = ::read(child_.response_fd(), buf, std::min(sizeof buf, need));
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (n <= 0) return fail(Exchange::Status::died);
      if (header.size() < wire::kHeaderBytes) {
        header.append(buf, static_cast<std::size_t>(n));
        if (header.size() == wire::kHeaderBytes) {
          try {
            want = wire::payload_length(header.data(), kMaxAnswer);
          } catch (const wire::ProtocolError& e) {
            return fail(Exchange::Status::bad_answer, e.what());
          }
          payload.reserve(want);
        }
      } else {
        payload.append(buf, static_cast<std::size_t>(n));
      }
      if (header.size() == wire::kHeaderBytes && payload.size() == want) {
        if (sent < frame.size()) {
          return fail(Exchange::Status::bad_answer, "answered before reading the whole request");
        }
        Exchange e;
        e.seconds = std::chrono::duration<double>(Clock::now() - start).count();
        e.cpu_seconds = std::max(0.0, cpu_->seconds() - cpu_start);
        try {
          e.reply = wire::decode(payload.data(), payload.size());
        } catch (const wire::ProtocolError& err) {
          return fail(Exchange::Status::bad_answer, err.what());
        }
        e.status = Exchange::Status::answered;
        bool over = false;
        drain_output(over);
        if (over) return fail(Exchange::Status::output_limit);
        return e;
      }
    }
  }
}

}  // namespace pg::grader
