// pixelgrad: the grader's command line. Parses arguments, runs a stage pipeline, writes reports,
// and maps outcomes to exit statuses (0 graded, 2 usage or configuration error, 1 internal error).
// Not grading logic: see grade.cpp.
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "grade.hpp"
#include "report.hpp"

namespace {

namespace fs = std::filesystem;
using namespace pg::grader;

constexpr const char* kUsage = R"(usage:
  pixelgrad grade --assignment A --submission DIR|ZIP [--rubric FILE] [--format F] [--output PATH]
  pixelgrad check <assignment> | --all [--format F]
  pixelgrad help

  grade   grades one submission (a folder or a .zip holding the files the rubric names)
  check   student mode: builds your working tree's files and runs the public tests
formats: text (default), json, gradescope
exit status: 0 graded (whatever the score), 2 usage or configuration error, 1 internal error
)";

struct CommandLine {
  std::string command;
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;
  bool all = false;
};

CommandLine parse(int argc, char** argv) {
  CommandLine c;
  if (argc < 2) throw UsageError("no command given");
  c.command = argv[1];
  const std::vector<std::string> with_value = {"--assignment", "--submission", "--rubric",
                                               "--format", "--output", "--kit"};
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--all") {
      c.all = true;
    } else if (a.starts_with("--")) {
      std::string key = a, value;
      if (auto eq = a.find('='); eq != std::string::npos) {
        key = a.substr(0, eq);
        value = a.substr(eq + 1);
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        throw UsageError(a + " needs a value");
      }
      if (std::find(with_value.begin(), with_value.end(), key) == with_value.end()) {
        throw UsageError("unknown option " + key);
      }
      c.options[key] = value;
    } else {
      c.positional.push_back(a);
    }
  }
  return c;
}

std::string option(const CommandLine& c, const std::string& key, const std::string& fallback = "") {
  auto it = c.options.find(key);
  return it == c.options.end() ? fallback : it->second;
}

// The checkout a student works in: the nearest folder upwards holding assignments/ and grader/.
fs::path find_checkout() {
  for (fs::path p = fs::current_path(); !p.empty(); p = p.parent_path()) {
    if (fs::is_directory(p / "assignments") && fs::is_directory(p / "grader" / "rubrics")) return p;
    if (p == p.parent_path()) break;
  }
  return PIXELGRAD_SOURCE_DIR;
}

void write_report(const GradeReport& report, Format format, const std::string& output) {
  if (output.empty()) {
    make_writer(format, format == Format::text && ::isatty(1))->write(report, std::cout);
    return;
  }
  std::ofstream out(output);
  if (!out) throw UsageError("cannot write the report to " + output);
  make_writer(format, false)->write(report, out);
}

void progress(const TestResult& t) {
  if (::isatty(2)) {
    std::cerr << "  " << to_string(t.verdict) << "  " << t.name << "\n";
  }
}

// Runs one grading and writes its report; returns the exit status.
int run_grading(GradeOptions options, Format format, const std::string& output) {
  DatasetSource data;
  GradeReport report;
  options.on_test = progress;
  int status = 0;
  try {
    grade(options, data, report);
  } catch (const UsageError& e) {
    report.error = e.what();
    status = 2;
  } catch (const std::exception& e) {
    report.error = std::string("internal error: ") + e.what();
    status = 1;
  }
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

Format format_of(const CommandLine& c) {
  std::string name = option(c, "--format", "text");
  auto f = parse_format(name);
  if (!f) throw UsageError("unknown format '" + name + "'; use one of " + format_names());
  return *f;
}

int main_checked(int argc, char** argv) {
  CommandLine c = parse(argc, argv);
  if (c.command == "help" || c.command == "--help" || c.command == "-h") {
    std::cout << kUsage;
    return 0;
  }
  if (c.command == "grade") {
    GradeOptions o;
    o.assignment = option(c, "--assignment");
    o.submission = option(c, "--submission");
    if (o.assignment.empty()) throw UsageError("grade needs --assignment NAME (e.g. knn)");
    if (o.submission.empty()) throw UsageError("grade needs --submission FOLDER or ZIP");
    o.rubric_path = option(c, "--rubric");
    o.kit_dir = option(c, "--kit");
    return run_grading(o, format_of(c), option(c, "--output"));
  }
  if (c.command == "check") {
    const fs::path root = find_checkout();
    std::vector<std::string> names = c.positional;
    if (c.all) {
      for (const auto& e : fs::directory_iterator(root / "grader" / "rubrics")) {
        if (e.path().extension() == ".yaml") names.push_back(e.path().stem().string());
      }
      std::sort(names.begin(), names.end());
    }
    if (names.empty()) throw UsageError("check needs an assignment name (e.g. knn) or --all");
    int worst = 0;
    for (const auto& name : names) {
      GradeOptions o;
      o.assignment = name;
      o.submission = (root / "assignments" / name).string();
      o.rubric_path = (root / "grader" / "rubrics" / (name + ".yaml")).string();
      o.kit_dir = option(c, "--kit");
      o.public_only = true;
      worst = std::max(worst, run_grading(o, format_of(c), ""));
    }
    return worst;
  }
  throw UsageError("unknown command '" + c.command + "'");
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  try {
    return main_checked(argc, argv);
  } catch (const UsageError& e) {
    std::cerr << "pixelgrad: " << e.what() << "\n\n" << kUsage;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "pixelgrad: internal error: " << e.what() << "\n";
    return 1;
  }
}
