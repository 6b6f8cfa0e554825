// Two sandboxed steps: compile (sees /src, /kit/include, /usr) and link (sees /out, /kit/lib, /usr).
// The compile step never sees the kit's libraries, the reference, the rubric or any data.
// Not the kit's contents: CMake builds those (cmake/pixelgrad.cmake).
#include "build.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

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
    throw std::runtime_error("no grader kit in " + dir +
                             " (toolchain.txt is missing): run `make build` first, or set "
                             "PIXELGRAD_KIT to the kit folder of a build");
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

BuildResult build_submission(const Kit& kit, const Rubric& rubric, const std::string& source_dir,
                             const std::string& out_dir, const SandboxPolicy& policy) {
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
  compile.workdir = "/out";
  std::vector<std::string> sources, objects;
  for (const auto& f : rubric.files) {
    if (!f.ends_with(".cpp") && !f.ends_with(".cc")) continue;
    sources.push_back(f);
    objects.push_back("/out/" + fs::path(f).stem().string() + ".o");
  }
  std::vector<SandboxConfig> compiles;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    SandboxConfig c = compile;
    c.argv = {kit.cxx};
    c.argv.insert(c.argv.end(), kit.cxxflags.begin(), kit.cxxflags.end());
    c.argv.insert(c.argv.end(), {"-fmax-errors=10", "-I/kit/include"});
    if (!kit.precompiled.empty()) {
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
  for (const RunResult& c : runs) {
    result.log += c.output;
    if (c.timed_out) {
      result.log += "\ncompilation did not finish within " + num(rubric.build.wall_s) + " s\n";
      compiled = false;
    } else if (!c.status.exited || c.status.code != 0) {
      if (!c.status.exited) {
        result.log += "\nthe compiler was killed by " + signal_name(c.status.signal);
      }
      if (c.output_truncated) result.log += "\n[compiler output truncated]";
      compiled = false;
    }
  }
  if (!compiled) return result;

  SandboxConfig link = compile;
  link.mounts = {{kit.lib_dir(), "/kit/lib", false}, {out_dir, "/out", true}};
  link.argv = {kit.cxx};
  link.argv.insert(link.argv.end(), objects.begin(), objects.end());
  link.argv.insert(link.argv.end(), {"/kit/lib/libpixelgrad_harness_" + rubric.assignment + ".a",
                                     "/kit/lib/libpixelgrad_wire.a", "/kit/lib/libpixelgrad_core.a"});
  link.argv.insert(link.argv.end(), kit.libs.begin(), kit.libs.end());
  link.argv.insert(link.argv.end(), {"-o", "/out/runner"});
  RunResult l = run_to_end(policy, link);
  result.link_seconds = l.wall_s;
  result.seconds += l.wall_s;
  result.log += l.output;
  if (l.timed_out || !l.status.exited || l.status.code != 0) {
    result.log += "\nlinking failed: is every function of the contract defined, with the exact "
                  "signature of the header?\n";
    return result;
  }
  result.ok = true;
  result.runner = out_dir + "/runner";
  return result;
}

}  // namespace pg::grader
