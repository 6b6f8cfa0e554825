// Two sandboxed steps: compile (sees /src, /kit/include, /usr) and link (sees /out, /kit/lib, /usr).
// The compile step never sees the kit's libraries, the reference, the rubric or any data.
// Not the kit's contents: CMake builds those (cmake/pixelgrad.cmake).
#include "build.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "compare.hpp"

namespace pg::grader {

namespace {

namespace fs = std::filesystem;

std::vector<std::string> split_words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

// Why a step stopped, on a line of its own in the log and in BuildResult::stopped.
void stop(BuildResult& result, const std::string& why) {
  if (!result.log.empty() && !result.log.ends_with('\n')) result.log += '\n';
  result.log += why + "\n";
  if (!result.stopped.empty()) result.stopped += '\n';
  result.stopped += why;
}

// The message of a diagnostic line of the compiler or the linker ("expected ';' before '}'
// token" of "/src/knn.cpp:32:60: error: expected ';' before '}' token"), or "" for any other
// line. Source lines quoted under a diagnostic start with a space and never count.
std::string error_message(const std::string& line) {
  if (line.empty() || line[0] == ' ' || line[0] == '\t') return "";
  for (const char* marker : {": error: ", ": fatal error: "}) {
    if (auto at = line.find(marker); at != std::string::npos) {
      return line.substr(at + std::char_traits<char>::length(marker));
    }
  }
  for (const char* marker : {"undefined reference to ", "multiple definition of "}) {
    if (auto at = line.find(marker); at != std::string::npos) return line.substr(at);
  }
  return "";
}

// For a log where the #include depth ran out: where the loop is (the place the first such error
// was included from, "/src/knn.cpp:6"), or "" when the log does not say. nullopt for other logs.
std::optional<std::string> include_loop(const std::string& log) {
  const std::string from = "In file included from ";
  std::string where;
  for (const std::string& line : lines_of(log)) {
    if (line.starts_with(from)) where = line.substr(from.size());
    if (line.find(": error: #include nested depth") == std::string::npos) continue;
    while (!where.empty() && (where.back() == ',' || where.back() == ':')) where.pop_back();
    return where;
  }
  return std::nullopt;
}

// At most `max` bytes of `line`, cut between UTF-8 characters (the compiler quotes with ‘ ’).
std::string shortened(const std::string& line, std::size_t max) {
  if (line.size() <= max) return line;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(line[end]) & 0xC0) == 0x80) --end;
  return line.substr(0, end) + " [...]";
}

}  // namespace

std::string Kit::reference_runner(const std::string& assignment) const {
  return dir + "/bin/reference-runner-" + assignment;
}

std::string default_kit_dir() {
  if (const char* env = std::getenv("PIXELGRAD_KIT")) return env;
  return PIXELGRAD_DEFAULT_KIT_DIR;
}

Kit load_kit(const std::string& dir) {
  std::ifstream in(dir + "/toolchain.txt");
  if (!in) {
    throw std::runtime_error(fmt::format("no grader kit in {} (toolchain.txt is missing): run "
                                         "`make build` first, or set PIXELGRAD_KIT to the kit "
                                         "folder of a build",
                                         dir));
  }
  Kit kit;
  kit.dir = fs::absolute(dir).lexically_normal().string();
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "cxx") kit.cxx = value;
    if (key == "cxxflags") kit.cxxflags = split_words(value);
    if (key == "system_includes") {
      for (auto& inc : split_words(value)) {
        kit.cxxflags.push_back("-isystem");
        kit.cxxflags.push_back(inc);
      }
    }
    if (key == "libs") kit.libs = split_words(value);
    if (key == "precompiled" && fs::exists(kit.dir + "/include/" + value + ".gch")) {
      kit.precompiled = value;
    }
  }
  if (kit.cxx.empty()) throw std::runtime_error(dir + "/toolchain.txt names no compiler");
  return kit;
}

std::string with_shown_paths(std::string log, const std::vector<std::string>& files,
                             const std::string& source_dir, const std::string& shown_dir) {
  const auto replace_all = [&](const std::string& from, const std::string& to) {
    for (auto at = log.find(from); at != std::string::npos; at = log.find(from, at + to.size())) {
      log.replace(at, from.size(), to);
    }
  };
  for (const auto& entry : files) {
    const std::string f = submission_file_name(entry);
    const std::string shown = shown_submission_file(shown_dir, entry);
    // the host path first: it ends with "/src/<f>" too
    if (!source_dir.empty()) replace_all(source_dir + "/" + f, shown);
    replace_all("/src/" + f, shown);
  }
  return log;
}

std::vector<std::string> debug_flags(const std::vector<std::string>& kit_flags) {
  std::vector<std::string> flags;
  for (const std::string& f : kit_flags) {
    if (f == "-DNDEBUG" || (f.starts_with("-O") && f.size() <= 3)) continue;
    flags.push_back(f);
  }
  // -O1 keeps the sanitizers' slow-down to a few times; the frame pointers and -g give the
  // stack traces their lines; an error of the undefined-behaviour sanitizer stops the runner
  flags.insert(flags.end(), {"-O1", "-g", "-fno-omit-frame-pointer", kSanitizers,
                             "-fno-sanitize-recover=all", "-D_GLIBCXX_ASSERTIONS"});
  return flags;
}

BuildResult build_submission(const Kit& kit, const Rubric& rubric, const std::string& source_dir,
                             const std::string& out_dir, const SandboxPolicy& policy,
                             const BuildView& view) {
  BuildResult result;
  hand_over(policy, out_dir);
  const auto start = std::chrono::steady_clock::now();

  // one compiler per source file, in sandboxes that see the sources, the headers and /out only
  SandboxConfig compile;
  compile.with_dev = false;  // nothing to read there: #include </dev/urandom> finds no file
  compile.limits = rubric.build;
  compile.mounts = {{source_dir, "/src", false},
                    {kit.include_dir(), "/kit/include", false},
                    {out_dir, "/out", true}};
  if (!view.contract_dir.empty()) {
    compile.mounts.push_back({view.contract_dir, "/contract", false});
  }
  compile.workdir = "/out";
  std::vector<std::string> entries, sources, objects;  // the rubric's entries, their file names
  for (const auto& f : rubric.files) {
    if (!f.ends_with(".cpp") && !f.ends_with(".cc")) continue;
    entries.push_back(f);
    sources.push_back(submission_file_name(f));
    objects.push_back("/out/" + fs::path(sources.back()).stem().string() + ".o");
  }
  std::vector<SandboxConfig> compiles;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    SandboxConfig c = compile;
    c.argv = {kit.cxx};
    const std::vector<std::string> flags = view.debug ? debug_flags(kit.cxxflags) : kit.cxxflags;
    c.argv.insert(c.argv.end(), flags.begin(), flags.end());
    c.argv.push_back("-fmax-errors=10");
    if (!view.contract_dir.empty()) c.argv.push_back("-I/contract");
    c.argv.push_back("-I/kit/include");
    if (!kit.precompiled.empty() && !view.debug) {
      c.argv.insert(c.argv.end(), {"-include", "/kit/include/" + kit.precompiled});
    }
    c.argv.insert(c.argv.end(), {"-c", "/src/" + sources[i], "-o", objects[i]});
    compiles.push_back(std::move(c));
  }
  std::vector<RunResult> runs = run_all_to_end(policy, compiles);
  result.compile_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.seconds = result.compile_seconds;
  bool compiled = true;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const RunResult& c = runs[i];
    const std::string shown = shown_submission_file(view.shown_dir, entries[i]);
    result.log += with_shown_paths(c.output, entries, source_dir, view.shown_dir);
    if (c.timed_out) {
      stop(result, fmt::format("compiling {} did not finish within the time limit of {} s (look "
                               "for a template or constexpr computation that never ends)",
                               shown, num(rubric.build.wall_s)));
      compiled = false;
    } else if (!c.status.exited || c.status.code != 0) {
      if (!c.status.exited) {
        stop(result, fmt::format("the compiler was killed by {} while compiling {}",
                                 signal_name(c.status.signal), shown));
      }
      if (c.output_truncated) result.log += "\n[compiler output truncated]";
      compiled = false;
    }
  }
  if (!compiled) return result;

  SandboxConfig link = compile;
  link.mounts = {{kit.lib_dir(), "/kit/lib", false}, {out_dir, "/out", true}};
  link.argv = {kit.cxx};
  if (view.debug) link.argv.push_back(kSanitizers);
  link.argv.insert(link.argv.end(), objects.begin(), objects.end());
  link.argv.insert(link.argv.end(), {"/kit/lib/libpixelgrad_harness_" + rubric.assignment + ".a",
                                     "/kit/lib/libpixelgrad_wire.a", "/kit/lib/libpixelgrad_core.a"});
  link.argv.insert(link.argv.end(), kit.libs.begin(), kit.libs.end());
  link.argv.insert(link.argv.end(), {"-o", "/out/runner"});
  RunResult l = run_to_end(policy, link);
  result.link_seconds = l.wall_s;
  result.seconds += l.wall_s;
  result.log += l.output;
  if (l.timed_out) {
    stop(result, fmt::format("linking did not finish within the time limit of {} s",
                             num(rubric.build.wall_s)));
    return result;
  }
  if (!l.status.exited || l.status.code != 0) {
    stop(result, !l.status.exited
                     ? fmt::format("the linker was killed by {}", signal_name(l.status.signal))
                     : "linking failed: is every function of the contract defined, with the "
                       "exact signature of the header?");
    return result;
  }
  // every runner uid of this slot may start it (a test run beside the others has a uid of its own)
  std::error_code ec;
  fs::permissions(out_dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                               fs::perms::others_read | fs::perms::others_exec, ec);
  fs::permissions(out_dir + "/runner", fs::perms::owner_all | fs::perms::group_read |
                                           fs::perms::group_exec | fs::perms::others_read |
                                           fs::perms::others_exec, ec);
  result.ok = true;
  result.runner = out_dir + "/runner";
  return result;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

std::vector<std::string> error_lines(const std::string& log, std::size_t n) {
  std::vector<std::string> out, seen;
  std::string ld_failed;  // "collect2: error: ld returned 1 exit status" says only that
  for (const std::string& line : lines_of(log)) {
    const std::string message = error_message(line);
    if (message.empty()) continue;
    if (line.starts_with("collect2: ")) {
      if (ld_failed.empty()) ld_failed = line;
      continue;
    }
    if (std::find(seen.begin(), seen.end(), message) != seen.end()) continue;
    seen.push_back(message);
    out.push_back(line);
    if (out.size() == n) break;
  }
  if (out.empty() && !ld_failed.empty() && n > 0) out.push_back(ld_failed);
  return out;
}

std::string failure_reason(const BuildResult& build) {
  std::string reason = build.stopped;
  const auto add = [&](const std::string& line) {
    if (!reason.empty()) reason += '\n';
    reason += shortened(line, 400);
  };
  for (const std::string& e : error_lines(build.log, 3)) add(e);
  if (const auto where = include_loop(build.log)) {
    add(fmt::format("{}: #include only headers (.hpp), never a .cpp file",
                    where->empty() ? "a file includes itself"
                                   : fmt::format("the #include at {} makes a file include itself",
                                                 *where)));
  }
  if (reason.empty()) {
    for (const std::string& line : lines_of(build.log)) {
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      add(line);
      break;
    }
  }
  return reason.empty() ? "the compiler failed without a message" : reason;
}

std::string readable_log(const std::string& log) {
  std::string out;
  for (const std::string& line : lines_of(log)) {
    if (line.starts_with("In file included from ") || line.starts_with("                 from ")) {
      continue;
    }
    out += line + "\n";
  }
  while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
  return out;
}

}  // namespace pg::grader
