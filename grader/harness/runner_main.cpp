// The runner: a process that runs inside the sandbox, linked with a submission (or the reference).
// It reads requests on fd 3, calls the submission, and answers on fd 4. It decides nothing: the
// grader compares, times and scores outside. Not trusted: a submission can replace any of this.
//
// Requests:  "load" {inputs...}  -> "loaded" {}          (keeps the inputs for the next calls;
//                                                        the inputs come in the frame, or in a
//                                                        sealed memfd passed with it)
//            "call" {case: text} -> "ok" {outputs...}
//                                 | "not_implemented" {message} | "error" {type, message}
//                                 | "memory_limit" {message}
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <new>
#include <stdexcept>
#include <typeinfo>

#include "calls.hpp"
#include "common/errors.hpp"
#include "common/memory.hpp"
#include "stack_guard.hpp"

namespace {

constexpr int kRequestFd = 3;
constexpr int kResponseFd = 4;
constexpr std::uint64_t kMaxRequest = std::uint64_t{1} << 32;

// an exception's message or type name goes out at most this long (the grader cuts it shorter)
constexpr std::size_t kMaxText = 16 * 1024;

// at most kMaxText bytes of `text`, read no further than that (a message may be 100 MiB)
std::string capped(const char* text) {
  const std::size_t n = ::strnlen(text, kMaxText + 1);
  if (n <= kMaxText) return std::string(text, n);
  return std::string(text, kMaxText) + " [truncated]";
}

pg::wire::Message reply(const char* kind, const std::string& message,
                        const std::string& type = "") {
  pg::wire::Message m{kind, {}};
  if (!type.empty()) m.fields.put("type", type);
  m.fields.put("message", message);
  return m;
}

// Writes an answer, after whatever the submission printed: the grader reads the output once the
// answer is in and ends the runner with SIGKILL after the test, so output still buffered in C
// stdio or an iostream (a printf without a newline, say) would never reach the report.
void answer(const pg::wire::Message& m) {
  std::cout.flush();
  std::clog.flush();
  std::wcout.flush();
  std::wclog.flush();
  std::fflush(nullptr);
  pg::wire::write_frame(kResponseFd, m);
}

pg::wire::Message run(const pg::harness::CallTable& table, const std::string& case_name,
                      const pg::wire::Bundle& inputs) {
  const pg::harness::Call* call = table.find(case_name);
  if (!call) return reply("error", "this runner has no case '" + case_name + "'", "harness");
  try {
    return {"ok", (*call)(inputs)};
  } catch (const pg::NotImplemented& e) {
    return reply("not_implemented", capped(e.what()));
  } catch (const std::bad_alloc&) {
    return reply("memory_limit", "an allocation failed (std::bad_alloc)");
  } catch (const std::invalid_argument& e) {
    return reply("error", capped(e.what()), "std::invalid_argument");
  } catch (const std::exception& e) {
    return reply("error", capped(e.what()), capped(typeid(e).name()));
  } catch (...) {
    return reply("error", "an exception that is not a std::exception", "unknown");
  }
}

}  // namespace

int main() {
  pg::reuse_freed_memory();  // same settings in the reference's and the student's runner
  pg::harness::report_stack_overflow(kResponseFd);
  pg::harness::CallTable table;
  pg::harness::register_calls(table);
  pg::wire::Bundle loaded;
  pg::wire::Message request;
  int passed = -1;
  try {
    while (pg::wire::read_frame(kRequestFd, request, kMaxRequest, &passed)) {
      if (request.kind != "load" && passed >= 0) ::close(passed);
      if (request.kind == "load") {
        if (passed >= 0) {
          // inputs of the same shape as the last ones are read into the same memory
          pg::wire::Message inputs = pg::wire::decode_memfd(passed, kMaxRequest, &loaded);
          ::close(passed);
          loaded = std::move(inputs.fields);
        } else {
          loaded = std::move(request.fields);
        }
        answer({"loaded", {}});
      } else if (request.kind == "call") {
        answer(run(table, request.fields.text("case"), loaded));
      } else {
        answer(reply("error", "unknown request " + request.kind, "harness"));
      }
    }
  } catch (const std::bad_alloc&) {
    answer(reply("memory_limit", "an allocation failed"));
    return 3;
  } catch (const std::exception& e) {
    return 2;
  }
  return 0;
}
