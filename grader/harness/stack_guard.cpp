// The SIGSEGV handler that recognises a stack overflow (stack_guard.hpp): only async-signal-safe
// calls once a signal has arrived, and the answer is encoded before any.
#include "stack_guard.hpp"

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "wire.hpp"

// AddressSanitizer's runtime, when a --debug runner links it: it reports a stack overflow
// itself, with the frames that led there, and its SIGSEGV handler must not be replaced
extern "C" void __asan_init() __attribute__((weak));

namespace pg::harness {

namespace {

int g_answer_fd = -1;
std::uintptr_t g_stack_top = 0;     // an address near the top of the main thread's stack
std::uintptr_t g_stack_bottom = 0;  // the lowest address the stack may grow to, minus the gap
const std::string* g_answer = nullptr;

void on_segv(int sig, siginfo_t* info, void*) {
  const auto addr = reinterpret_cast<std::uintptr_t>(info->si_addr);
  if (g_answer && addr < g_stack_top && addr >= g_stack_bottom) {
    const char* p = g_answer->data();
    std::size_t left = g_answer->size();
    while (left > 0) {
      const ssize_t n = ::write(g_answer_fd, p, left);
      if (n <= 0) break;
      p += n;
      left -= static_cast<std::size_t>(n);
    }
  }
  // die of the signal, as without this handler
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

}  // namespace

void report_stack_overflow(int answer_fd) {
  if (__asan_init != nullptr) return;
  int here = 0;
  struct rlimit stack{};
  if (::getrlimit(RLIMIT_STACK, &stack) != 0 || stack.rlim_cur == RLIM_INFINITY) return;
  g_answer_fd = answer_fd;
  g_stack_top = reinterpret_cast<std::uintptr_t>(&here) + (1 << 20);
  // the kernel keeps a guard gap of 256 pages below the stack's limit: a fault there is the
  // stack running into it too
  const std::uintptr_t gap = std::uintptr_t{1} << 20;
  const std::uintptr_t reach = static_cast<std::uintptr_t>(stack.rlim_cur) + gap;
  g_stack_bottom = g_stack_top > reach ? g_stack_top - reach - gap : 0;
  wire::Message m{"stack_overflow", {}};
  m.fields.put("limit_kb", static_cast<double>(stack.rlim_cur >> 10));
  g_answer = new std::string(wire::encode(m));  // lives as long as the process

  static char alt[64 * 1024];
  stack_t ss{};
  ss.ss_sp = alt;
  ss.ss_size = sizeof alt;
  if (::sigaltstack(&ss, nullptr) != 0) return;
  struct sigaction sa{};
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  ::sigemptyset(&sa.sa_mask);
  ::sigaction(SIGSEGV, &sa, nullptr);
}

}  // namespace pg::harness
