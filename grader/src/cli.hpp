// The pixelgrad command line: its commands and options (parsed with CLI11), their help texts, and
// what a parsed command line asks for. Not running a command: main.cpp does that.
#pragma once

#include <string>
#include <vector>

namespace pg::grader {

struct CommandLine {
  std::string command;  // "grade", "check", "release", "gradescope" or "help"
  std::string help;     // not empty: --help (or `help`) was asked for; print it and exit 0
  // grade
  std::string assignment;  // --assignment
  std::string submission;  // --submission
  std::string rubric;      // --rubric, or ""
  // check (the names given) and release (--assignment, repeated)
  std::vector<std::string> assignments;
  bool all = false;                      // --all
  bool debug = false;                    // --debug: a sanitizer build that finds a crash's line
  // grade and check (release: --output is its folder)
  std::string format = "text";  // --format, one of format_names()
  std::string output;           // --output, or "" (stdout)
  std::string kit;              // --kit, or "" (default_kit_dir())
};

// Parses the arguments after the program's name. Throws UsageError (exit status 2) naming what
// is wrong and where to read more; values such as assignment names are checked by the command
// itself, not here.
CommandLine parse_command_line(const std::vector<std::string>& args);

// What `pixelgrad help` prints: the commands, the assignments, the formats, the environment
// variables and the exit statuses.
std::string usage();

// The assignments that have a rubric <name>.yaml in `rubric_dir`, sorted.
std::vector<std::string> assignments_in(const std::string& rubric_dir);

// "backprop, knn, linear" (or "none: ... is empty") for messages.
std::string list_of_assignments(const std::string& rubric_dir);

}  // namespace pg::grader
