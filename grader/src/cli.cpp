// The pixelgrad command line with CLI11: one subcommand each for grade, check and help, each with
// --help; the texts name every option, the assignments, the formats, the environment variables
// and the exit statuses. Values are checked here where the parser can (a format), by main.cpp
// where they need the file system (an assignment, an --output folder).
#include "cli.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <memory>

#include "build.hpp"
#include "grade.hpp"
#include "report.hpp"

namespace pg::grader {

namespace {

namespace fs = std::filesystem;

constexpr const char* kSynopsis = R"(pixelgrad: grades C++ submissions to the Pixelgrad assignments against the reference, in a
sandbox, and runs the public tests on a student's working tree.

usage:
  pixelgrad check <assignment>... | --all [--debug] [--format F] [--output PATH] [--kit DIR]
  pixelgrad grade --assignment A --submission DIR|ZIP [--rubric FILE] [--format F] [--output PATH]
                  [--kit DIR]
  pixelgrad release --output DIR [--assignment A]... [--kit DIR]
  pixelgrad gradescope --assignment A --output autograder.zip
  pixelgrad help [<command>]
  pixelgrad <command> --help)";

std::string footer() {
  const std::string rubrics = default_rubric_dir();
  return fmt::format(
      R"(assignments: {} (the rubrics in {})
formats: {} (text is the default)

environment:
  PIXELGRAD_KIT        the kit (contract headers, harness, reference runners, compiler flags) when
                       --kit is not given; else {}
  PIXELGRAD_RUBRICS    the folder of <assignment>.yaml rubrics `grade` uses when --rubric is not
                       given; else {}
  PIXELGRAD_DATA       the folder searched first for the data sets (then datasets/data/<name>/,
                       then /usr/share/datasets/<name>/)
  PIXELGRAD_NO_BWRAP   set: do not use bubblewrap (rlimits and a uid of its own only)
  PIXELGRAD_NO_CGROUP  set: no cgroups for limits and CPU time (the process clocks instead)
  TMPDIR               where the work folder of a grading is made (else /tmp)

exit status: 0 graded, whatever the score; 2 usage or configuration error (bad option or rubric,
missing submission file or data set), with a message saying what to do; 1 internal error.
)",
      list_of_assignments(rubrics), rubrics, format_names(), default_kit_dir(), rubrics);
}

// Throws UsageError with CLI11's message and where to read more.
[[noreturn]] void refuse(const std::string& message, const std::string& command) {
  throw UsageError(fmt::format("{}\nrun `pixelgrad {}--help` for the options", message,
                               command.empty() ? "" : command + " "));
}

}  // namespace

std::vector<std::string> assignments_in(const std::string& rubric_dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(rubric_dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".yaml") names.push_back(it->path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string list_of_assignments(const std::string& rubric_dir) {
  const std::vector<std::string> names = assignments_in(rubric_dir);
  if (names.empty()) return fmt::format("none ({} holds no <assignment>.yaml)", rubric_dir);
  return fmt::format("{}", fmt::join(names, ", "));
}

// Our descriptions carry the usage lines; CLI11's own ("Usage: pixelgrad grade [OPTIONS]") would
// repeat them less precisely.
class Formatter : public CLI::Formatter {
 public:
  std::string make_usage(const CLI::App*, std::string) const override { return ""; }
};

std::string usage() {
  CLI::App app(kSynopsis, "pixelgrad");
  app.formatter(std::make_shared<Formatter>());
  app.footer(footer());
  app.add_subcommand("check",
                     "student mode: builds your working tree's files and runs the public tests");
  app.add_subcommand("grade", "grades one submission (a folder or a .zip)");
  app.add_subcommand("release", "writes the student release: no solution code, no hidden test");
  app.add_subcommand("gradescope", "writes a Gradescope autograder zip for one assignment");
  app.add_subcommand("help", "prints this text, or a command's options");
  return app.help();
}

CommandLine parse_command_line(const std::vector<std::string>& args) {
  CommandLine cl;
  if (args.empty()) refuse("no command given: use check, grade, release, gradescope or help", "");
  const std::string& first = args.front();
  if (first == "help" || first == "--help" || first == "-h") {
    cl.command = "help";
    if (args.size() == 1 || first != "help" || args[1].starts_with("-")) {
      cl.help = usage();
      return cl;
    }
    // `pixelgrad help grade` is `pixelgrad grade --help`
    if (args.size() > 2 || (args[1] != "grade" && args[1] != "check" && args[1] != "release" &&
                            args[1] != "gradescope")) {
      refuse(fmt::format("pixelgrad help takes one command name (check, grade, release or "
                         "gradescope), not '{}'",
                         fmt::join(args.begin() + 1, args.end(), " ")),
             "");
    }
    return parse_command_line({args[1], "--help"});
  }
  if (first != "grade" && first != "check" && first != "release" && first != "gradescope") {
    refuse(fmt::format("unknown command '{}'; the commands are check, grade, release, gradescope "
                       "and help",
                       first),
           "");
  }
  cl.command = first;
  if (first == "check") {
    for (const auto& a : args) {
      if (a == "--rubric" || a.starts_with("--rubric=")) {
        refuse("check does not take --rubric: it runs the public tests of your checkout's rubric "
               "(grader/rubrics/<assignment>.yaml), exactly as the grader will. To grade with "
               "another rubric, use `pixelgrad grade --assignment A --submission "
               "assignments/A --rubric FILE`",
               "check");
      }
    }
  }

  CLI::App app(kSynopsis, "pixelgrad");
  app.formatter(std::make_shared<Formatter>());
  app.footer(footer());
  app.require_subcommand(1);

  CLI::App* grade = app.add_subcommand("grade", "grades one submission (a folder or a .zip)");
  grade->description(
      "pixelgrad grade: grades one submission with every test of the rubric, hidden ones "
      "included.\n"
      "usage: pixelgrad grade --assignment A --submission DIR|ZIP [--rubric FILE] [--format F] "
      "[--output PATH] [--kit DIR]");
  grade->add_option("--assignment", cl.assignment, "the assignment (required), e.g. knn")
      ->option_text("A");
  grade->add_option("--submission", cl.submission,
                    "the submission (required): a folder or a .zip holding the files the rubric "
                    "names, at the top, in one folder, or where a repository has them "
                    "(assignments/A/)")
      ->option_text("DIR|ZIP");
  grade->add_option("--rubric", cl.rubric,
                    "the rubric; else $PIXELGRAD_RUBRICS/A.yaml, else grader/rubrics/A.yaml")
      ->option_text("FILE");

  CLI::App* check = app.add_subcommand(
      "check", "student mode: builds your working tree's files and runs the public tests");
  check->description(
      "pixelgrad check: builds assignments/<assignment>/ of the checkout you are in against the "
      "course's contract headers, as the grader does, and runs the public tests; hidden tests "
      "run only when your work is graded.\n"
      "usage: pixelgrad check <assignment>... | --all [--debug] [--format F] [--output PATH] "
      "[--kit DIR]");
  check->add_option("assignment", cl.assignments, "the assignments to check, e.g. knn")
      ->option_text("<assignment>...");
  check->add_flag("--all", cl.all, "check every assignment");
  check->add_flag("--debug", cl.debug,
                  "build with AddressSanitizer, UndefinedBehaviorSanitizer and Eigen's bounds "
                  "checks, so that a test that crashes (or reads outside an array) names the line "
                  "of your code where it happened; slower, and the speed tests are left out");

  CLI::App* release = app.add_subcommand(
      "release", "writes the student release: no solution code, no hidden test");
  release->description(
      "pixelgrad release: writes the folder students get: the released assignments' headers, "
      "skeletons, handouts and demos, the common code, the data loaders and the grader with the "
      "public tests and the reference's recorded answers to them (so that check works), and a "
      "README. Never the reference, hidden tests, or later assignments. An assignment brings the "
      "earlier ones its code builds on (conv: backprop; saliency: backprop and conv).\n"
      "usage: pixelgrad release --output DIR [--assignment A]... [--kit DIR]");
  release->add_option("--output", cl.output,
                      "the release folder (required): a new or empty folder")
      ->option_text("DIR");
  release->add_option("--assignment", cl.assignments,
                      "an assignment to release (repeat it for more); else all of them")
      ->option_text("A");
  release->add_option("--kit", cl.kit,
                      fmt::format("the kit whose reference runners record the answers; else "
                                  "$PIXELGRAD_KIT, else {}",
                                  default_kit_dir()))
      ->option_text("DIR");

  CLI::App* gradescope =
      app.add_subcommand("gradescope", "writes a Gradescope autograder zip for one assignment");
  gradescope->description(
      "pixelgrad gradescope: writes the autograder zip Gradescope takes for a programming "
      "assignment: setup.sh (installs the packages, builds the grader for any x86-64 CPU) and "
      "run_autograder (grades /autograder/submission into /autograder/results/results.json) at "
      "its root, beside the course's source for the assignment and those it builds on.\n"
      "usage: pixelgrad gradescope --assignment A --output autograder.zip");
  gradescope->add_option("--assignment", cl.assignment, "the assignment (required), e.g. knn")
      ->option_text("A");
  gradescope->add_option("--output", cl.output, "the zip to write (required; replaced if it exists)")
      ->option_text("ZIP");

  for (CLI::App* sub : {grade, check}) {
    sub->add_option("--format", cl.format,
                    fmt::format("the report's format: {}; text is the default", format_names()))
        ->option_text("F");
    sub->add_option("--output", cl.output,
                    "write the report to this file (checked before grading starts); else to "
                    "the standard output")
        ->option_text("PATH");
    sub->add_option("--kit", cl.kit,
                    fmt::format("the kit folder; else $PIXELGRAD_KIT, else {}", default_kit_dir()))
        ->option_text("DIR");
  }

  std::vector<const char*> argv = {"pixelgrad"};
  for (const auto& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::CallForHelp&) {
    cl.help = app.help();
    return cl;
  } catch (const CLI::ParseError& e) {
    refuse(e.what(), cl.command);
  }

  if (!parse_format(cl.format)) {
    refuse(fmt::format("unknown format '{}'; use one of {}", cl.format, format_names()),
           cl.command);
  }
  if (cl.command == "release") {
    if (cl.output.empty()) refuse("release needs --output DIR (a new or empty folder)", "release");
  } else if (cl.command == "gradescope") {
    if (cl.assignment.empty()) refuse("gradescope needs --assignment NAME (e.g. knn)", "gradescope");
    if (cl.output.empty()) refuse("gradescope needs --output autograder.zip", "gradescope");
  } else if (cl.command == "grade") {
    if (cl.assignment.empty()) refuse("grade needs --assignment NAME (e.g. knn)", "grade");
    if (cl.submission.empty()) refuse("grade needs --submission FOLDER or ZIP", "grade");
  } else {
    if (cl.all && !cl.assignments.empty()) {
      refuse(fmt::format("check takes assignment names or --all, not both ({} and --all)",
                         fmt::join(cl.assignments, " ")),
             "check");
    }
    if (!cl.all && cl.assignments.empty()) {
      refuse("check needs an assignment name (e.g. knn) or --all", "check");
    }
  }
  return cl;
}

}  // namespace pg::grader
