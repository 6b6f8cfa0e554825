// The reports are read line by line: the first line that starts a report says what happened, the
// stack frames under it ("    #0 0x55f7 in pg::f(...) /src/knn.cpp:31") say where.
#include "sanitizer.hpp"

#include <fmt/format.h>

#include "build.hpp"

namespace pg::grader {

namespace {

std::string trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

// A frame of a stack trace: its function without the argument list and namespace, and its
// source position (file:line, no column).
struct Frame {
  std::string function;
  std::string file;
  std::string line;
};

std::optional<Frame> frame_of(const std::string& raw) {
  const std::string line = trimmed(raw);
  if (!line.starts_with("#")) return std::nullopt;
  const auto in = line.find(" in ");
  if (in == std::string::npos) return std::nullopt;
  Frame f;
  std::string rest = line.substr(in + 4);
  // the position is the last word: "/src/knn.cpp:31" or "/src/knn.cpp:31:12"
  const auto space = rest.rfind(' ');
  if (space == std::string::npos) return std::nullopt;
  std::string position = rest.substr(space + 1);
  f.function = rest.substr(0, space);
  if (const auto paren = f.function.find('('); paren != std::string::npos) {
    f.function.resize(paren);
  }
  // "pg::knn::compute_distances_two_loops" -> "compute_distances_two_loops" (not in a lambda's
  // name, "pg::f(...)::{lambda(int)#1}", which was cut at its first parenthesis already)
  if (const auto ns = f.function.rfind("::"); ns != std::string::npos) f.function.erase(0, ns + 2);
  const auto colon = position.find(':');
  if (colon == std::string::npos) return std::nullopt;
  f.file = position.substr(0, colon);
  std::string number = position.substr(colon + 1);
  if (const auto c = number.find(':'); c != std::string::npos) number.resize(c);
  if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  f.line = number;
  return f;
}

// "/src/knn.cpp" -> "assignments/knn/knn.cpp" when it is one of the submission's files.
std::optional<std::string> shown_file(const std::string& path,
                                      const std::vector<std::string>& files,
                                      const std::string& shown_dir) {
  for (const auto& entry : files) {
    const std::string f = submission_file_name(entry);
    if (path == "/src/" + f || path.ends_with("/src/" + f)) {
      return shown_submission_file(shown_dir, entry);
    }
  }
  return std::nullopt;
}

// What an AddressSanitizer error kind means, in words.
std::string meaning(const std::string& kind, const std::string& access) {
  const std::string a = access.empty() ? "an access" : access;
  if (kind == "heap-buffer-overflow" || kind == "stack-buffer-overflow" ||
      kind == "global-buffer-overflow" || kind == "container-overflow") {
    return a + " outside an array";
  }
  if (kind == "heap-use-after-free") return a + " of memory already freed";
  if (kind == "stack-use-after-return" || kind == "stack-use-after-scope") {
    return a + " of a local variable that no longer exists (a reference or pointer to it "
               "outlived it)";
  }
  if (kind == "stack-overflow") {
    return "the stack overflowed (an endless recursion, or a very large local array)";
  }
  if (kind == "SEGV") return a + " at an address that is not valid memory";
  if (kind == "double-free" || kind == "attempting double-free") return "memory freed twice";
  if (kind == "FPE") return "an integer division by zero";
  return "";
}

// An assertion's condition without its string literals, and the literals joined with "; ":
// {"lhs.cols() == rhs.rows()", "invalid matrix product; if you wanted ..."}.
std::pair<std::string, std::string> split_condition(const std::string& cond) {
  std::string test, words;
  std::size_t at = 0;
  while (at < cond.size()) {
    const auto open = cond.find('"', at);
    if (open == std::string::npos) {
      test += cond.substr(at);
      break;
    }
    const auto close = cond.find('"', open + 1);
    if (close == std::string::npos) {
      test += cond.substr(at);
      break;
    }
    test += cond.substr(at, open - at);
    if (!words.empty()) words += "; ";
    words += cond.substr(open + 1, close - open - 1);
    at = close + 1;
  }
  // what joined the literals to the test: " && " at either end
  for (bool changed = true; changed;) {
    changed = false;
    test = trimmed(test);
    for (const std::string joint : {"&&", "||"}) {
      if (test.ends_with(joint)) {
        test.resize(test.size() - joint.size());
        changed = true;
      }
      if (test.starts_with(joint)) {
        test.erase(0, joint.size());
        changed = true;
      }
    }
  }
  // a literal in the middle leaves "a &&  && b"
  for (auto at = test.find("&&  &&"); at != std::string::npos; at = test.find("&&  &&")) {
    test.replace(at, 6, "&&");
  }
  return {test.empty() ? cond : test, words};
}

}  // namespace

std::string SanitizerFinding::sentence() const {
  if (where.empty()) return what + " (not in your files: see the report printed below)";
  return what + " at " + where;
}

std::optional<SanitizerFinding> find_sanitizer_report(const std::string& output,
                                                      const std::vector<std::string>& files,
                                                      const std::string& shown_dir) {
  const std::vector<std::string> lines = lines_of(output);
  std::optional<SanitizerFinding> found;
  std::string assertion;  // a failed assert just before an ABRT report
  std::size_t first_frame = lines.size();
  for (std::size_t i = 0; i < lines.size() && !found; ++i) {
    const std::string& l = lines[i];
    if (const auto at = l.find("Assertion `"); at != std::string::npos && assertion.empty()) {
      // glibc's assert: "runner: FILE:LINE: FUNCTION: Assertion `cond' failed."
      std::string cond = l.substr(at + 11);
      if (const auto end = cond.rfind("' failed"); end != std::string::npos) cond.resize(end);
      if (l.find("/Eigen/") != std::string::npos) {
        // Eigen words some checks as string literals in the condition:
        // `lhs.cols() == rhs.rows() && "invalid matrix product" && "if you wanted ..."`
        const auto [test, words] = split_condition(cond);
        assertion = words.empty()
                        ? fmt::format("Eigen's check `{}` failed (an index out of range, or "
                                      "shapes that do not fit)",
                                      test)
                        : fmt::format("Eigen's check `{}` failed: {}", test, words);
      } else if (l.find("/c++/") != std::string::npos) {
        assertion = fmt::format("the standard library's check `{}` failed (an index out of range)",
                                cond);
      } else {
        assertion = fmt::format("the assertion `{}` failed", cond);
      }
      continue;
    }
    if (const auto at = l.find(": runtime error: "); at != std::string::npos) {
      SanitizerFinding f;
      f.what = "undefined behaviour: " + l.substr(at + 17) + " (UndefinedBehaviorSanitizer)";
      found = f;
      first_frame = i + 1;
      // the error line itself names the place: "/src/knn.cpp:31:12: runtime error: ..."
      const std::string place = l.substr(0, at);
      if (const auto colon = place.find(':'); colon != std::string::npos) {
        if (auto shown = shown_file(place.substr(0, colon), files, shown_dir)) {
          std::string number = place.substr(colon + 1);
          if (const auto c = number.find(':'); c != std::string::npos) number.resize(c);
          found->where = *shown + ":" + number;
        }
      }
      break;
    }
    const auto err = l.find("ERROR: AddressSanitizer: ");
    if (err == std::string::npos) continue;
    std::string rest = l.substr(err + 25);
    std::string kind = rest.substr(0, rest.find(' '));
    if (rest.starts_with("attempting double-free")) kind = "double-free";
    std::string access;
    for (std::size_t j = i + 1; j < lines.size() && j < i + 4; ++j) {
      for (const char* rw : {"READ", "WRITE"}) {
        const std::string w = rw;
        const auto p = lines[j].find(w + " of size ");
        if (p != std::string::npos) {
          const std::string size = lines[j].substr(p + w.size() + 9);
          access = fmt::format("a {} of {} bytes", w == "READ" ? "read" : "write",
                               size.substr(0, size.find(' ')));
        }
        if (lines[j].find("caused by a " + w + " memory access") != std::string::npos) {
          access = w == "READ" ? "a read" : "a write";
        }
      }
    }
    SanitizerFinding f;
    if (kind == "ABRT" && !assertion.empty()) {
      f.what = assertion;
    } else {
      const std::string m = meaning(kind, access);
      f.what = m.empty() ? fmt::format("AddressSanitizer: {}", kind)
                         : fmt::format("{} (AddressSanitizer: {})", m, kind);
    }
    found = f;
    first_frame = i + 1;
  }
  if (!found && !assertion.empty()) {
    found = SanitizerFinding{assertion, ""};
    first_frame = 0;
  }
  if (!found) return std::nullopt;
  // the first two frames in the submission's files, from the first stack trace after the error
  std::vector<std::string> places;
  bool in_trace = false;
  for (std::size_t i = first_frame; i < lines.size() && places.size() < 2; ++i) {
    const auto f = frame_of(lines[i]);
    if (!f) {
      if (in_trace) break;  // the trace ended: later ones say where memory was allocated
      continue;
    }
    in_trace = true;
    if (auto shown = shown_file(f->file, files, shown_dir)) {
      const std::string place = fmt::format("{}:{} in {}", *shown, f->line, f->function);
      if (places.empty() || places.back() != place) places.push_back(place);
    }
  }
  if (found->where.empty() && !places.empty()) {
    found->where = places[0];
    if (places.size() > 1) found->where += ", called from " + places[1];
  } else if (!found->where.empty() && !places.empty()) {
    found->where = places[0];
  }
  return found;
}

}  // namespace pg::grader
