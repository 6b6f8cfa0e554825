// make_release: pick the files, write the public rubrics, record the reference's answers by
// grading it, write the release's README. make_gradescope: the same choice of files with the
// course's side kept, zipped with setup.sh and run_autograder.
#include "release.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string_view>

#include <fmt/format.h>

#include "cli.hpp"
#include "grade.hpp"
#include "process.hpp"
#include "recording.hpp"
#include "rubric.hpp"

namespace pg::grader {

namespace fs = std::filesystem;

namespace {

// the course's order, and what each assignment's code builds on
const std::vector<std::string> kCourse = {"knn", "linear", "backprop", "conv", "saliency"};
const std::map<std::string, std::vector<std::string>> kBuildsOn = {
    {"conv", {"backprop"}},                // the CNN is made of the backprop layers
    {"saliency", {"backprop", "conv"}},  // the given nets (models.hpp) name the CNN's config
};

// Whether a tracked file (a path relative to the repository) goes into a release of `released`,
// or, with `autograder`, into a Gradescope autograder for them (which also holds their reference
// sources, their whole rubrics and the mistake models: it is the course's side, hidden from
// students).
bool released_file(const std::string& p, const std::set<std::string>& released,
                   bool autograder = false) {
  static const std::set<std::string> top = {"CMakeLists.txt", "Makefile", ".gitignore",
                                            ".clang-format"};
  if (top.contains(p)) return true;
  const auto under = [&](const std::string& dir) { return p.starts_with(dir); };
  if (under("cmake/") || under("datasets/") || under("assignments/common/") ||
      under("grader/kit/") || p == "assignments/CMakeLists.txt" || p == "grader/CMakeLists.txt") {
    return true;
  }
  for (const auto& a : released) {
    if (under("assignments/" + a + "/")) return true;
    if (autograder && (under("reference/" + a + "/") || p == "grader/rubrics/" + a + ".yaml")) {
      return true;
    }
  }
  if (autograder && p == "reference/CMakeLists.txt") return true;
  // the grader, with the cases and harness of the released assignments only, and (in a release)
  // no mistake models: a wrong answer recomputed is a near-solution
  if (under("grader/src/cases/mistakes.")) return autograder;
  for (const std::string dir : {"grader/src/cases/", "grader/harness/"}) {
    if (!under(dir)) continue;
    const fs::path file(p);
    const std::string stem = file.stem().string();
    if (std::find(kCourse.begin(), kCourse.end(), stem) == kCourse.end()) return true;
    return released.contains(stem);
  }
  return under("grader/src/");
}

// `text` without its course-only regions: from a line that is `// BEGIN COURSE ONLY` to one that
// is `// END COURSE ONLY` (indentation aside), both included: the grader's mistake models, which
// recompute a wrong answer and so are near-solutions. Throws UsageError for a region left open.
std::string without_course_only(const std::string& text, const std::string& path) {
  std::string out;
  bool inside = false;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    end = end == std::string::npos ? text.size() : end + 1;
    const std::string_view line(text.data() + at, end - at);
    std::string_view marker = line;
    marker.remove_prefix(std::min(marker.find_first_not_of(" \t"), marker.size()));
    marker = marker.substr(0, marker.find_last_not_of(" \t\r\n") + 1);
    if (marker == "// BEGIN COURSE ONLY") {
      inside = true;
    } else if (marker == "// END COURSE ONLY") {
      inside = false;
    } else if (!inside) {
      out.append(line);
    }
    at = end;
  }
  if (inside) {
    throw UsageError(fmt::format("{} opens a `// BEGIN COURSE ONLY` region that it never ends",
                                 path));
  }
  return out;
}

// The bytes of a file the release copies; UsageError when it cannot be read.
std::string read_all(const fs::path& path) {
  auto text = read_file(path.string());
  if (!text) throw UsageError(fmt::format("cannot read {}", path.string()));
  return std::move(*text);
}

// The public part of a rubric: its visible tests, their builds_on lists without the tests left
// out, and `hidden:` saying how many were left out and what they are worth.
std::string public_rubric(const std::string& path, const std::string& relative) {
  YAML::Node root = YAML::LoadFile(path);
  YAML::Node out(YAML::NodeType::Map);
  YAML::Node tests(YAML::NodeType::Sequence);
  std::set<std::string> kept;
  int hidden = 0;
  double hidden_points = 0;
  for (YAML::Node t : root["tests"]) {
    const std::string visibility = t["visibility"] ? t["visibility"].as<std::string>() : "visible";
    if (visibility != "visible") {
      hidden += 1;
      hidden_points += t["points"].as<double>();
      continue;
    }
    if (t["builds_on"]) {
      YAML::Node on(YAML::NodeType::Sequence);
      for (const auto& name : t["builds_on"]) {
        if (kept.contains(name.as<std::string>())) on.push_back(name);
      }
      if (on.size() == 0) {
        t.remove("builds_on");
      } else {
        t["builds_on"] = on;
      }
    }
    kept.insert(t["name"].as<std::string>());
    tests.push_back(t);
  }
  for (const auto& kv : root) {
    const std::string key = kv.first.as<std::string>();
    if (key == "hidden") continue;
    out[key] = key == "tests" ? tests : kv.second;
  }
  YAML::Node h(YAML::NodeType::Map);
  h["tests"] = hidden;
  h["points"] = hidden_points;
  out["hidden"] = h;
  YAML::Emitter e;
  e << out;
  return fmt::format("# The public tests of {} (written by pixelgrad release): what check runs.\n"
                     "# The course grades with every test, including the {} left out here.\n{}\n",
                     relative, hidden, e.c_str());
}

std::string release_readme(const std::vector<std::string>& released,
                           const std::map<std::string, std::string>& titles) {
  std::string list;
  for (const auto& a : released) {
    list += fmt::format("- `assignments/{0}/` — {1}: start with `assignments/{0}/README.md`\n", a,
                        titles.at(a));
  }
  const std::string& first = released.front();
  return fmt::format(R"(# Pixelgrad — student release

Image classification assignments in modern C++, with the grader that checks your code the way the
course grades it. This release holds:

{0}
```
make build                                    # installs what is missing, builds the grader and the demos
build/grader/pixelgrad check {1}              # the public tests, on your working tree
```

`make build` works on Debian 12; as root it `apt-get install`s the packages it needs, as another
user it prints the one `sudo apt-get install ...` line to run first. It takes a few minutes the
first time and a few seconds after you edit your `.cpp`.

Each assignment folder holds a contract header you read, the `.cpp` files you complete (their
TODOs throw `pg::NotImplemented` until you write them), a demo and the handout. Edit only the
`.cpp` files: the grader compiles them against its own copy of the headers.

`build/grader/pixelgrad check {1}` compiles your code exactly as the grader will (same flags, in
the same sandbox) and prints one line per public test: `passed`, `failed` with the largest error
and where it is, `not_implemented`, `error`, `crashed`, `timeout`, `memory_limit`, `output_limit`
or `compile_error`. `check --all` checks every assignment here; `check {1} --debug` finds the line
of a crash. The course grades with hidden tests too; the report says how many there are and what
they are worth.

This release holds no reference solution: `check` compares your answers with the reference's
answers to the public tests, recorded when the release was made (`grader/recorded/`). A speed
test compares your code's CPU time with the reference's recorded time, scaled by how fast this
machine runs a fixed piece of work, so its ratio is an estimate; the course's grader times the
reference itself.
)",
                     list, first);
}

// The files git tracks in `src`, and new ones it does not ignore (never build/ or out/), as git
// lists them: NUL-separated paths relative to `src`.
std::string listed_files(const fs::path& src) {
  const auto files = output_of({"git", "-c", "safe.directory=" + src.string(), "-C", src.string(),
                                "ls-files", "-z", "--cached", "--others", "--exclude-standard"});
  if (!files) {
    throw UsageError(fmt::format("the files to copy are the ones git lists in {}, and git cannot "
                                 "list them there (is it a git checkout, and is git installed?)",
                                 src.string()));
  }
  return *files;
}

// Each path of `files` (listed_files) for which `keep` says yes.
template <typename Keep>
std::vector<std::string> paths_of(const std::string& files, const fs::path& src, Keep keep) {
  std::vector<std::string> out;
  for (std::size_t at = 0; at < files.size();) {
    const std::size_t end = files.find('\0', at);
    std::string p = files.substr(at, end - at);
    at = end == std::string::npos ? files.size() : end + 1;
    if (!p.empty() && keep(p) && fs::is_regular_file(src / p)) out.push_back(std::move(p));
  }
  return out;
}

// Copies, writes and records into `out` (make_release checked the request).
void write_release(const ReleaseOptions& o, const fs::path& out,
                   const std::vector<std::string>& released, const std::string& files) {
  const fs::path src = o.source_dir;
  const std::set<std::string> set(released.begin(), released.end());
  const auto say = [&](const std::string& line) {
    if (o.say) o.say(line);
  };
  say(fmt::format("releasing {} into {}", fmt::join(released, ", "), out.string()));

  int copied = 0;
  for (const std::string& p :
       paths_of(files, src, [&](const std::string& p) { return released_file(p, set); })) {
    fs::create_directories((out / p).parent_path());
    if (p.starts_with("grader/")) {
      std::ofstream(out / p, std::ios::binary) << without_course_only(read_all(src / p), p);
    } else {
      fs::copy_file(src / p, out / p, fs::copy_options::overwrite_existing);
    }
    ++copied;
  }

  std::map<std::string, std::string> titles;
  fs::create_directories(out / "grader" / "rubrics");
  fs::create_directories(out / "grader" / "recorded");
  for (const auto& a : released) {
    const std::string relative = "grader/rubrics/" + a + ".yaml";
    const fs::path rubric = out / relative;
    std::ofstream(rubric) << public_rubric((src / relative).string(), relative);
    const Rubric r = load_rubric(rubric.string(), all_cases());  // what check will read
    titles[a] = r.title;

    // recording the reference's answers is grading the reference with the public tests
    say(fmt::format("recording the reference's answers to the {} public tests of {}",
                    r.tests.size(), a));
    Recording recording;
    recording.assignment = a;
    GradeOptions g;
    g.assignment = a;
    g.submission = (src / "reference" / a).string();
    g.rubric_path = rubric.string();
    g.kit_dir = o.kit_dir;
    g.record_into = &recording;
    DatasetSource data;
    GradeReport report;
    grade(g, data, report);
    for (const auto& t : report.tests) {
      if (t.verdict != Verdict::passed) {
        throw UsageError(fmt::format("the reference does not pass '{}' of {} ({}: {}); fix the "
                                     "rubric or the reference before releasing",
                                     t.name, a, to_string(t.verdict), t.message));
      }
    }
    const std::string path = recording_path((out / "grader" / "rubrics").string(), a);
    recording.save(path);
    say(fmt::format("  {} answers, {:.1f} MB: {}", recording.size(),
                    static_cast<double>(fs::file_size(path)) / 1e6,
                    fs::relative(path, out).string()));
  }
  std::ofstream(out / "README.md") << release_readme(released, titles);
  say(fmt::format("{} files copied; the release's README says how to build and check",
                  copied + 1 + 2 * static_cast<int>(released.size())));
}

}  // namespace

std::vector<std::string> release_set(const std::vector<std::string>& wanted,
                                     const std::string& rubric_dir) {
  const std::vector<std::string> known = assignments_in(rubric_dir);
  std::set<std::string> chosen;
  for (const auto& a : wanted.empty() ? known : wanted) {
    if (std::find(known.begin(), known.end(), a) == known.end()) {
      throw UsageError(fmt::format("there is no assignment '{}' to release; the assignments are {}",
                                   a, list_of_assignments(rubric_dir)));
    }
    chosen.insert(a);
    if (auto it = kBuildsOn.find(a); it != kBuildsOn.end()) {
      chosen.insert(it->second.begin(), it->second.end());
    }
  }
  std::vector<std::string> out;
  for (const auto& a : kCourse) {
    if (chosen.erase(a)) out.push_back(a);
  }
  out.insert(out.end(), chosen.begin(), chosen.end());  // a course's own, after ours
  return out;
}

void make_release(const ReleaseOptions& o) {
  const fs::path src = o.source_dir;
  const std::string rubric_dir = (src / "grader" / "rubrics").string();
  if (!fs::is_directory(src / "reference")) {
    throw UsageError(fmt::format("{} has no reference/ folder: a release is made from the course's "
                                 "repository, not from a release",
                                 src.string()));
  }
  const std::vector<std::string> released = release_set(o.assignments, rubric_dir);
  const fs::path out = o.output;
  std::error_code ec;
  if (fs::exists(out) && (!fs::is_directory(out) || !fs::is_empty(out, ec))) {
    throw UsageError(fmt::format("{} exists and is not an empty folder; a release goes into a new "
                                 "(or empty) folder, so that nothing of an older one is left in it",
                                 out.string()));
  }
  const std::string files = listed_files(src);
  const bool existed = fs::exists(out);
  fs::create_directories(out);
  try {
    write_release(o, out, released, files);
  } catch (...) {
    // half a release must not be handed out: what was written goes (the folder was new or empty)
    std::error_code ignored;
    if (existed) {
      for (fs::directory_iterator it(out, ignored), stop; !ignored && it != stop;
           it.increment(ignored)) {
        fs::remove_all(it->path(), ignored);
      }
    } else {
      fs::remove_all(out, ignored);
    }
    throw;
  }
}

namespace {

constexpr char kSetup[] = R"(#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (base image: Ubuntu
# 24.04, which has the packages `make bootstrap` installs). It builds the grader and the kit for
# @A@ for any x86-64 CPU: the image runs on machines other than the one that built it.
set -euo pipefail
cd /autograder/source
make bootstrap
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPIXELGRAD_BUILD_TESTS=OFF \
  -DPIXELGRAD_NATIVE=OFF
cmake --build build --target pixelgrad
)";

constexpr char kRun[] = R"(#!/usr/bin/env bash
# Gradescope runs this for each submission, as root. The grader compiles and runs the submission
# in its sandbox under a uid of its own, so the submission never sees the source, the rubric or
# /autograder/results; the grader (root) writes results.json. When the grader itself fails before
# writing its report, this writes a result that says so instead: a valid results.json always.
set -uo pipefail
results=/autograder/results
mkdir -p "$results"
cd /autograder/source
report=$(mktemp)
build/grader/pixelgrad grade --assignment @A@ --submission /autograder/submission \
  --format gradescope --output "$report"
status=$?
if [ -s "$report" ] && python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$report"; then
  cp "$report" "$results/results.json"
else
  cat >"$results/results.json" <<END
{"score": 0, "execution_time": 0, "output_format": "text",
 "output": "Autograder error: the grader stopped (exit status $status) before writing its report. Nothing was graded; please tell the course staff.",
 "tests": [{"name": "autograder error", "score": 0, "max_score": 0, "status": "failed",
            "output": "The grader stopped with exit status $status.", "output_format": "text",
            "visibility": "visible"}]}
END
fi
rm -f "$report"
)";

std::string with_assignment(std::string text, const std::string& a) {
  for (std::size_t at = 0; (at = text.find("@A@", at)) != std::string::npos;) {
    text.replace(at, 3, a);
  }
  return text;
}

// A zip written through libarchive: entries with fixed times (the same input gives the same
// bytes), written to a temporary file that replaces `path` only when complete.
class ZipWriter {
 public:
  explicit ZipWriter(const std::string& path) : path_(path), tmp_(path + ".partial") {
    a_ = archive_write_new();
    archive_write_set_format_zip(a_);
    if (archive_write_open_filename(a_, tmp_.c_str()) != ARCHIVE_OK) {
      const std::string why = archive_error_string(a_) ? archive_error_string(a_) : "";
      archive_write_free(a_);
      a_ = nullptr;
      throw UsageError(fmt::format("cannot write {}: {}", tmp_, why));
    }
  }
  ~ZipWriter() {
    if (a_) archive_write_free(a_);
    std::error_code ignored;
    if (!done_) fs::remove(tmp_, ignored);
  }
  ZipWriter(const ZipWriter&) = delete;
  ZipWriter& operator=(const ZipWriter&) = delete;

  void add(const std::string& name, const std::string& bytes, int mode) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(bytes.size()));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, static_cast<mode_t>(mode));
    archive_entry_set_mtime(e, 1767225600, 0);  // 2026-01-01
    const bool ok = archive_write_header(a_, e) == ARCHIVE_OK &&
                    archive_write_data(a_, bytes.data(), bytes.size()) ==
                        static_cast<la_ssize_t>(bytes.size());
    archive_entry_free(e);
    if (!ok) throw UsageError(fmt::format("cannot write {} into {}", name, tmp_));
  }
  void close() {
    if (archive_write_close(a_) != ARCHIVE_OK) {
      throw UsageError(fmt::format("cannot write {} (disk full?)", tmp_));
    }
    archive_write_free(a_);
    a_ = nullptr;
    fs::rename(tmp_, path_);
    done_ = true;
  }

 private:
  std::string path_, tmp_;
  archive* a_ = nullptr;
  bool done_ = false;
};

}  // namespace

void make_gradescope(const GradescopeOptions& o) {
  const fs::path src = o.source_dir;
  if (!fs::is_directory(src / "reference")) {
    throw UsageError(fmt::format("{} has no reference/ folder: an autograder is made from the "
                                 "course's repository",
                                 src.string()));
  }
  const std::vector<std::string> held =
      release_set({o.assignment}, (src / "grader" / "rubrics").string());
  const std::set<std::string> set(held.begin(), held.end());
  const fs::path out = fs::absolute(o.output);
  if (!fs::is_directory(out.parent_path())) {
    throw UsageError(fmt::format("cannot write {}: the folder {} does not exist", out.string(),
                                 out.parent_path().string()));
  }
  const std::string files = listed_files(src);
  ZipWriter zip(out.string());
  zip.add("setup.sh", with_assignment(kSetup, o.assignment), 0755);
  zip.add("run_autograder", with_assignment(kRun, o.assignment), 0755);
  int count = 0;
  for (const std::string& p :
       paths_of(files, src, [&](const std::string& p) { return released_file(p, set, true); })) {
    zip.add(p, read_all(src / p), 0644);
    ++count;
  }
  zip.close();
  if (o.say) {
    o.say(fmt::format("{}: setup.sh, run_autograder and {} files of the course's source for {} "
                      "({:.1f} MB); upload it as the assignment's autograder (docs/operations.md)",
                      out.string(), count, fmt::join(held, ", "),
                      static_cast<double>(fs::file_size(out)) / 1e6));
  }
}

}  // namespace pg::grader
