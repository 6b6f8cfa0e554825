// pixelgrad: the grader's command line. Runs what cli.cpp parsed: checks what can be checked
// before grading (the assignment, the --output file, the contract headers `check` compiles
// against), grades, writes reports, and maps outcomes to exit statuses (0 graded, 2 usage or
// configuration error, 1 internal error). Not grading logic: see grade.cpp.
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "build.hpp"
#include "cases.hpp"
#include "cli.hpp"
#include "grade.hpp"
#include "process.hpp"
#include "release.hpp"
#include "report.hpp"

namespace {

namespace fs = std::filesystem;
using namespace pg::grader;

// The checkout a student works in: the nearest folder upwards holding assignments/ and grader/.
fs::path find_checkout() {
  for (fs::path p = fs::current_path(); !p.empty(); p = p.parent_path()) {
    if (fs::is_directory(p / "assignments") && fs::is_directory(p / "grader" / "rubrics")) return p;
    if (p == p.parent_path()) break;
  }
  return PIXELGRAD_SOURCE_DIR;
}

// The report file can be written: checked before grading, so that no grading time is lost on a
// report that cannot be kept. A file that did not exist is not left behind.
void check_writable(const std::string& output) {
  std::error_code ec;
  const bool existed = fs::exists(output, ec);
  errno = 0;
  std::ofstream probe(output, std::ios::app);
  if (!probe) {
    const std::string why = errno != 0 ? std::strerror(errno) : "cannot open it";
    throw UsageError(fmt::format("cannot write the report to {}: {}; nothing was graded. Choose "
                                 "an --output in a folder that exists and that you can write to",
                                 output, why));
  }
  probe.close();
  if (!existed) fs::remove(output, ec);
}

void write_report(const GradeReport& report, Format format, const std::string& output) {
  if (output.empty()) {
    make_writer(format, format == Format::text && ::isatty(1))->write(report, std::cout);
    return;
  }
  std::ofstream out(output);
  if (!out) throw UsageError(fmt::format("cannot write the report to {}", output));
  make_writer(format, false)->write(report, out);
}

// Progress on a terminal, one test at a time. When the report goes to the same terminal, each
// test's line is erased by the next and the last by the report, so that every test is printed
// once: in the report. When the report goes elsewhere (--output, a pipe), the lines stay.
class Progress {
 public:
  explicit Progress(bool report_on_terminal)
      : shown_(::isatty(2) != 0), transient_(report_on_terminal && ::isatty(1) != 0) {}

  void operator()(const TestResult& t) {
    ++done_;
    if (!shown_) return;
    const std::string line = fmt::format("  {:>3}  {:<16}{}", done_, to_string(t.verdict), t.name);
    if (transient_) {
      std::cerr << "\r\033[K" << fit(line) << std::flush;
    } else {
      std::cerr << line << "\n";
    }
  }
  // erases the last transient line
  void finish() {
    if (shown_ && transient_ && done_ > 0) std::cerr << "\r\033[K" << std::flush;
    done_ = 0;
  }

 private:
  // at most the terminal's width less one character (a wrapped line would not be erased)
  static std::string fit(const std::string& line) {
    winsize ws{};
    std::size_t width = ::ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 ? ws.ws_col - 1 : 79;
    std::size_t chars = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if ((static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) continue;
      if (++chars > width) return line.substr(0, i);
    }
    return line;
  }
  bool shown_, transient_;
  int done_ = 0;
};

// Runs one grading and writes its report; returns the exit status. `before` runs first, inside
// the same error handling: what it throws is reported like a grading that failed.
int run_grading(GradeOptions options, Format format, const std::string& output,
                const std::function<void()>& before = {}) {
  DatasetSource data;
  GradeReport report;
  report.assignment = options.assignment;
  report.submission = options.submission;
  Progress progress(output.empty());
  options.on_test = [&](const TestResult& t) { progress(t); };
  int status = 0;
  try {
    if (before) before();
    grade(options, data, report);
  } catch (const UsageError& e) {
    report.error = e.what();
    status = 2;
  } catch (const std::exception& e) {
    report.error = fmt::format("internal error: {}", e.what());
    status = 1;
  }
  progress.finish();
  if (status != 0) {
    std::cerr << "pixelgrad: " << report.error << "\n";
    // nothing graded counts: score 0, and one entry that says what went wrong
    report.tests.clear();
    TestResult failure;
    failure.name = "autograder error";
    failure.verdict = Verdict::grader_error;
    failure.message = report.error;
    report.tests.push_back(failure);
  }
  // a results file is written even when grading failed: score 0 and the error
  if (status == 0 || !output.empty() || format != Format::text) {
    write_report(report, format, output);
  }
  return status;
}

// The text of `relative` (to `root`) as last committed in the git repository holding `root`, or
// nullopt (not a repository, not committed, no git).
std::optional<std::string> committed(const fs::path& root, const std::string& relative) {
  return output_of({"git", "-c", "safe.directory=" + root.string(), "-C", root.string(), "show",
                    "HEAD:./" + relative});
}

// The contract headers `check` compiles against: the course's, as the grader has them. The kit
// holds the working tree's copies (`make build` copies them), which a student may have edited;
// the course's version of each is the one last committed in the checkout. Each is written into
// a folder searched before the kit's (BuildView::contract_dir), and every header whose working
// copy differs is named in `edited`.
class ContractHeaders {
 public:
  // `folders`: the assignment's, and those of the earlier assignments its files build on
  ContractHeaders(const fs::path& root, const std::string& kit_dir,
                  const std::vector<std::string>& folders) {
    for (const std::string& folder : folders) {
      std::error_code ec;
      for (fs::directory_iterator it(fs::path(kit_dir) / "include" / folder, ec), end;
           !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (it->path().extension() != ".hpp") continue;
        const std::string relative = "assignments/" + folder + "/" + name;
        const auto course = committed(root, relative);
        if (!course) continue;  // nothing to compare with: the kit's copy it is
        const auto working = read_file((root / relative).string());
        if (working && *working != *course) edited.push_back(relative);
        write(folder, name, *course);
      }
    }
  }
  ~ContractHeaders() {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }
  ContractHeaders(const ContractHeaders&) = delete;
  ContractHeaders& operator=(const ContractHeaders&) = delete;

  const std::string& dir() const { return dir_; }
  std::vector<std::string> edited;

 private:
  void write(const std::string& folder, const std::string& name, const std::string& text) {
    if (dir_.empty()) {
      std::string tmpl = (fs::temp_directory_path() / "pixelgrad-contract-XXXXXX").string();
      if (!::mkdtemp(tmpl.data())) throw std::runtime_error("cannot create a folder in /tmp");
      dir_ = tmpl;
    }
    // the compiler reads these under the sandbox's uid
    const fs::path sub = fs::path(dir_) / folder;
    fs::create_directories(sub);
    for (const fs::path& p : {fs::path(dir_), sub}) {
      fs::permissions(p, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                             fs::perms::others_read | fs::perms::others_exec);
    }
    std::ofstream(sub / name, std::ios::binary) << text;
    fs::permissions(sub / name, fs::perms::owner_read | fs::perms::owner_write |
                                    fs::perms::group_read | fs::perms::others_read);
  }
  std::string dir_;
};

std::string edited_warning(const std::vector<std::string>& edited) {
  std::string list;
  for (std::size_t i = 0; i < edited.size(); ++i) {
    list += (i == 0 ? "" : i + 1 == edited.size() ? " and " : ", ") + edited[i];
  }
  return fmt::format(
      "pixelgrad: you edited {0}; the grader uses its own copy of the contract headers, so check "
      "compiles your code against the course's version (the one last committed), as the grader "
      "will. Put what you added into your .cpp file (helpers can go in an anonymous namespace "
      "there), then undo the header change: git checkout -- {1}\n",
      list, fmt::join(edited, " "));
}

int grade_command(const CommandLine& cl) {
  const Format format = *parse_format(cl.format);
  if (!cl.output.empty()) check_writable(cl.output);
  GradeOptions o;
  o.assignment = cl.assignment;
  o.submission = cl.submission;
  o.rubric_path = cl.rubric;
  o.kit_dir = cl.kit;
  return run_grading(o, format, cl.output, [&] {
    if (!cl.rubric.empty()) return;  // the rubric names its assignment; grade() compares them
    const fs::path rubric = fs::path(default_rubric_dir()) / (cl.assignment + ".yaml");
    if (!fs::exists(rubric)) {
      throw UsageError(fmt::format("there is no assignment '{}' (no rubric {}); the assignments "
                                   "are {}",
                                   cl.assignment, rubric.string(),
                                   list_of_assignments(default_rubric_dir())));
    }
  });
}

int check_command(const CommandLine& cl) {
  const Format format = *parse_format(cl.format);
  const fs::path root = find_checkout();
  const std::string rubrics = (root / "grader" / "rubrics").string();
  std::vector<std::string> names = cl.all ? assignments_in(rubrics) : cl.assignments;
  for (const auto& name : names) {
    if (!fs::exists(fs::path(rubrics) / (name + ".yaml")) ||
        !fs::is_directory(root / "assignments" / name)) {
      throw UsageError(fmt::format("there is no assignment '{}' in {}; the assignments are {}",
                                   name, root.string(), list_of_assignments(rubrics)));
    }
  }
  if (!cl.output.empty() && names.size() > 1) {
    throw UsageError(fmt::format("--output holds one report, and check would write {}: check one "
                                 "assignment at a time with --output",
                                 names.size()));
  }
  if (!cl.output.empty()) check_writable(cl.output);
  const std::string kit_dir = cl.kit.empty() ? default_kit_dir() : cl.kit;
  int worst = 0;
  for (const auto& name : names) {
    const fs::path folder = root / "assignments" / name;
    // the contract of the assignment, of the earlier ones its files build on, and the common one
    std::vector<std::string> folders = {name, "common"};
    try {
      for (const auto& f : load_rubric((fs::path(rubrics) / (name + ".yaml")).string(), all_cases())
                               .files) {
        const std::string owner = submission_file_assignment(f, name);
        if (std::find(folders.begin(), folders.end(), owner) == folders.end()) {
          folders.push_back(owner);
        }
      }
    } catch (const RubricError&) {
      // grading reports what is wrong with the rubric
    }
    ContractHeaders contract(root, kit_dir, folders);
    if (!contract.edited.empty()) std::cerr << edited_warning(contract.edited);
    GradeOptions o;
    o.assignment = name;
    o.submission = folder.string();
    o.rubric_path = (fs::path(rubrics) / (name + ".yaml")).string();
    o.kit_dir = cl.kit;
    o.public_only = true;
    o.contract_dir = contract.dir();
    // compiler messages name the file as the student reaches it from here
    std::error_code ec;
    fs::path shown = fs::relative(folder, fs::current_path(), ec);
    if (ec || shown.empty()) shown = folder;
    o.shown_dir = shown == "." ? "" : shown.string() + "/";
    o.debug = cl.debug;
    worst = std::max(worst, run_grading(o, format, cl.output));
  }
  return worst;
}

int release_command(const CommandLine& cl) {
  ReleaseOptions o;
  o.source_dir = PIXELGRAD_SOURCE_DIR;
  o.output = cl.output;
  o.assignments = cl.assignments;
  o.kit_dir = cl.kit;
  o.say = [](const std::string& line) { std::cerr << "pixelgrad release: " << line << "\n"; };
  make_release(o);
  return 0;
}

int gradescope_command(const CommandLine& cl) {
  GradescopeOptions o;
  o.source_dir = PIXELGRAD_SOURCE_DIR;
  o.assignment = cl.assignment;
  o.output = cl.output;
  o.say = [](const std::string& line) { std::cerr << "pixelgrad gradescope: " << line << "\n"; };
  make_gradescope(o);
  return 0;
}

int main_checked(int argc, char** argv) {
  const CommandLine cl = parse_command_line(std::vector<std::string>(argv + 1, argv + argc));
  if (!cl.help.empty()) {
    std::cout << cl.help;
    return 0;
  }
  if (cl.command == "grade") return grade_command(cl);
  if (cl.command == "release") return release_command(cl);
  if (cl.command == "gradescope") return gradescope_command(cl);
  return check_command(cl);
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  try {
    return main_checked(argc, argv);
  } catch (const UsageError& e) {
    std::cerr << "pixelgrad: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "pixelgrad: internal error: " << e.what() << "\n";
    return 1;
  }
}
