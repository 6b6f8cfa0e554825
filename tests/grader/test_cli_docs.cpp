// Every pixelgrad command line the README and the docs show is one the command line accepts: the
// commands exist, their options exist and take the values shown. Parsed, not run.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli.hpp"
#include "grade.hpp"

namespace pg::grader {
namespace {

namespace fs = std::filesystem;

const std::string kSource = PIXELGRAD_SOURCE_DIR;

struct Shown {
  std::string where;  // file:line
  std::string text;   // "pixelgrad grade --assignment knn ..."
};

std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string w;
  while (in >> w) {
    if (w.starts_with("#")) break;  // a shell comment after the command
    out.push_back(w);
  }
  return out;
}

// The command lines of `file`: lines of fenced code blocks and `inline code` that start with
// pixelgrad or build/grader/pixelgrad, but not what a command prints ("pixelgrad release: ...").
std::vector<Shown> command_lines(const fs::path& file) {
  std::vector<Shown> out;
  std::ifstream in(file);
  std::string line;
  bool fenced = false;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string where = file.filename().string() + ":" + std::to_string(number);
    if (line.starts_with("```")) {
      fenced = !fenced;
      continue;
    }
    const auto is_command = [](const std::string& text) {
      const std::vector<std::string> w = words(text);
      const bool printed = w.size() >= 2 && w[1].ends_with(":");
      return (text.starts_with("pixelgrad ") || text.starts_with("build/grader/pixelgrad ")) &&
             !printed;
    };
    if (fenced) {
      const std::string text = line.substr(std::min(line.find_first_not_of(' '), line.size()));
      if (is_command(text)) out.push_back({where, text});
      continue;
    }
    for (auto open = line.find('`'); open != std::string::npos;) {
      const auto close = line.find('`', open + 1);
      if (close == std::string::npos) break;
      const std::string span = line.substr(open + 1, close - open - 1);
      if (is_command(span)) out.push_back({where, span});
      open = line.find('`', close + 1);
    }
  }
  return out;
}

std::vector<fs::path> documents() {
  std::vector<fs::path> files = {kSource + "/README.md"};
  for (const auto& e : fs::directory_iterator(kSource + "/docs")) {
    if (e.path().extension() == ".md") files.push_back(e.path());
  }
  return files;
}

TEST(cli_docs, every_command_line_in_the_readme_and_the_docs_is_accepted) {
  int seen = 0;
  for (const fs::path& file : documents()) {
    for (const Shown& shown : command_lines(file)) {
      ++seen;
      std::vector<std::string> args = words(shown.text);
      args.erase(args.begin());  // the program
      if (args.size() == 2 && args[1].starts_with("--") && args[1] != "--all" &&
          args[1] != "--help") {
        // an option named in a sentence ("`pixelgrad grade --format` writes"): the option with
        // one of its values, in a command line that is complete otherwise
        const std::string option = args[1];
        args = args[0] == "grade"
                   ? std::vector<std::string>{"grade", "--assignment", "a", "--submission", "s"}
                   : std::vector<std::string>{args[0], "a"};
        args.insert(args.end(), {option, option == "--format" ? "text" : "value"});
      }
      try {
        if (args.size() == 1) {
          // a command named in a sentence ("`pixelgrad check` drops ..."): it exists
          EXPECT_FALSE(parse_command_line({args[0], "--help"}).help.empty()) << shown.where;
        } else {
          parse_command_line(args);
        }
      } catch (const UsageError& e) {
        ADD_FAILURE() << shown.where << ": `" << shown.text << "` is refused: " << e.what();
      }
    }
  }
  EXPECT_GE(seen, 5);  // the README alone shows five
}

// The parser itself refuses what does not exist, so that the test above means something.
TEST(cli_docs, commands_and_options_that_do_not_exist_are_refused) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"batch", "--assignment", "knn"},
                                             {"release"},
                                             {"release", "--output", "dist", "--format", "json"},
                                             {"gradescope", "--assignment", "knn"},
                                             {"grade", "--assignment", "knn", "--submission", "s",
                                              "--jobs", "4"},
                                             {"grade", "--assignment", "knn", "--submission", "s",
                                              "--format", "xml"},
                                             {"grade", "--assignment", "knn", "--format"},
                                             {"check", "knn", "--rubric", "r.yaml"},
                                             {"check"},
                                             {"check", "knn", "--all"}}) {
    EXPECT_THROW(parse_command_line(args), UsageError) << ::testing::PrintToString(args);
  }
}

TEST(cli_docs, a_command_line_is_parsed_into_what_it_asks_for) {
  CommandLine g = parse_command_line({"grade", "--assignment", "knn", "--submission=s.zip",
                                      "--format", "json", "--output", "r.json", "--kit", "k"});
  EXPECT_EQ(g.command, "grade");
  EXPECT_EQ(g.assignment, "knn");
  EXPECT_EQ(g.submission, "s.zip");
  EXPECT_EQ(g.format, "json");
  EXPECT_EQ(g.output, "r.json");
  EXPECT_EQ(g.kit, "k");
  EXPECT_TRUE(g.help.empty());
  CommandLine c = parse_command_line({"check", "knn", "linear", "--format", "json"});
  EXPECT_EQ(c.command, "check");
  EXPECT_EQ(c.assignments, (std::vector<std::string>{"knn", "linear"}));
  EXPECT_FALSE(c.all);
  EXPECT_TRUE(parse_command_line({"check", "--all"}).all);
  EXPECT_THAT(parse_command_line({"grade", "--help"}).help, ::testing::HasSubstr("--submission"));
}

}  // namespace
}  // namespace pg::grader
