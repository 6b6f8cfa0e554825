// What handouts and docs say about the rubrics, headers and skeletons, checked against them: test
// names, numbers and points a handout quotes, functions it names, the TODOs of every skeleton, and
// the tests docs/rubrics.md says catch each usual mistake. Not the handouts' prose or math.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cases.hpp"
#include "rubric.hpp"

namespace pg::grader {
namespace {

namespace fs = std::filesystem;

const fs::path kSource = PIXELGRAD_SOURCE_DIR;

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string trim(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

// the assignments that have a handout and a rubric
std::vector<std::string> assignments() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(kSource / "assignments")) {
    const std::string name = entry.path().filename().string();
    if (fs::exists(entry.path() / "README.md") &&
        fs::exists(kSource / "grader" / "rubrics" / (name + ".yaml"))) {
      names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

Rubric rubric_of(const std::string& assignment) {
  return load_rubric((kSource / "grader" / "rubrics" / (assignment + ".yaml")).string(),
                     all_cases());
}

const TestSpec* find_test(const Rubric& r, const std::string& name) {
  for (const auto& t : r.tests) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::string points_text(double p) {
  std::ostringstream s;
  s << p;
  return s.str();
}

// every contract header of an assignment, as one text
std::string headers_of(const std::string& assignment) {
  std::string all;
  for (const auto& entry : fs::directory_iterator(kSource / "assignments" / assignment)) {
    if (entry.path().extension() == ".hpp") all += read(entry.path());
  }
  return all;
}

bool declares(const std::string& headers, const std::string& function) {
  return std::regex_search(headers, std::regex("\\b" + function + "\\s*\\("));
}

std::string unqualified(const std::string& name) {
  const auto colons = name.rfind("::");
  return colons == std::string::npos ? name : name.substr(colons + 2);
}

// The backticked names in the "function" column of the handout's first table (section 1), or, with
// every_column, in any of its cells (a row may name a file's own helpers beside its function).
std::vector<std::string> functions_in_the_handout_table(const std::string& handout,
                                                        bool every_column = false) {
  std::vector<std::string> names;
  int column = -1;
  for (const std::string& line : lines_of(handout)) {
    if (column < 0) {
      if (line.rfind("| ", 0) != 0 || line.find("function") == std::string::npos) continue;
      std::vector<std::string> cells;
      std::stringstream row(line.substr(1));
      for (std::string cell; std::getline(row, cell, '|');) cells.push_back(trim(cell));
      for (std::size_t c = 0; c < cells.size(); ++c) {
        if (cells[c].find("function") != std::string::npos) column = static_cast<int>(c);
      }
      continue;
    }
    if (line.rfind("|", 0) != 0) break;  // the table ends
    if (line.rfind("|---", 0) == 0) continue;
    std::vector<std::string> cells;
    std::stringstream row(line.substr(1));
    for (std::string cell; std::getline(row, cell, '|');) cells.push_back(trim(cell));
    if (static_cast<int>(cells.size()) <= column) continue;
    static const std::regex backticked("`([A-Za-z_][A-Za-z_0-9:]*)`");
    for (std::size_t c = 0; c < cells.size(); ++c) {
      if (!every_column && static_cast<int>(c) != column) continue;
      for (std::sregex_iterator m(cells[c].begin(), cells[c].end(), backticked), end; m != end;
           ++m) {
        names.push_back((*m)[1]);
      }
    }
  }
  return names;
}

struct Todo {
  std::string function;
  bool file_local = false;  // defined in the file's anonymous namespace
};

// The function each `throw pg::NotImplemented(__func__);` of a skeleton sits in: the name before
// the '(' of the last definition that starts at column 0 above it.
std::vector<Todo> functions_with_a_todo(const std::string& skeleton) {
  std::vector<Todo> todos;
  std::string current;
  bool anonymous = false;
  static const std::regex signature("^[A-Za-z].*?([A-Za-z_][A-Za-z_0-9:]*)\\(");
  for (const std::string& line : lines_of(skeleton)) {
    if (line == "namespace {") anonymous = true;
    if (line.rfind("}  // namespace", 0) == 0) anonymous = false;
    std::smatch m;
    if (line.rfind("namespace", 0) != 0 && line.rfind("#", 0) != 0 &&
        std::regex_search(line, m, signature)) {
      current = m[1];
    }
    if (line.find("throw pg::NotImplemented(__func__);") != std::string::npos) {
      todos.push_back({current, anonymous});
    }
  }
  return todos;
}

TEST(handouts, name_only_functions_their_contract_headers_declare) {
  for (const std::string& a : assignments()) {
    const std::string headers = headers_of(a);
    const auto names = functions_in_the_handout_table(read(kSource / "assignments" / a / "README.md"));
    EXPECT_FALSE(names.empty()) << a << "/README.md has no table of the functions to write";
    for (const std::string& name : names) {
      EXPECT_TRUE(declares(headers, unqualified(name)))
          << a << "/README.md names `" << name << "`, which no header of assignments/" << a
          << "/ declares";
    }
  }
}

// A TODO sits in a function the header declares and the handout's table lists, or in a helper of
// the file's own (anonymous namespace) that the table names beside the function that uses it.
TEST(skeletons, have_todos_only_in_functions_of_the_header_that_the_handout_lists) {
  for (const std::string& a : assignments()) {
    const std::string headers = headers_of(a);
    const std::string handout = read(kSource / "assignments" / a / "README.md");
    std::set<std::string> listed, mentioned;
    for (const std::string& name : functions_in_the_handout_table(handout)) {
      listed.insert(unqualified(name));
    }
    for (const std::string& name : functions_in_the_handout_table(handout, true)) {
      mentioned.insert(unqualified(name));
    }
    int todos = 0;
    for (const auto& entry : fs::directory_iterator(kSource / "assignments" / a)) {
      if (entry.path().extension() != ".cpp") continue;
      for (const Todo& todo : functions_with_a_todo(read(entry.path()))) {
        ++todos;
        const std::string name = unqualified(todo.function);
        const std::string where = a + "/" + entry.path().filename().string();
        if (todo.file_local) {
          EXPECT_FALSE(declares(headers, name))
              << where << " defines " << name << " in its anonymous namespace, and a header "
              << "declares it too";
          EXPECT_TRUE(mentioned.count(name))
              << where << " has a TODO in its helper " << name << ", which " << a
              << "/README.md does not name in its table of functions";
          continue;
        }
        EXPECT_TRUE(declares(headers, name))
            << where << " has a TODO in " << name << ", which no header declares";
        EXPECT_TRUE(listed.count(name))
            << where << " has a TODO in " << name << ", which " << a
            << "/README.md does not list in its table of functions";
      }
    }
    EXPECT_GT(todos, 0) << "assignments/" << a << " has no TODO";
  }
}

// A line of `pixelgrad check` quoted in a handout: "  9  failed          0 / 2      ReLU forward
// and backward"
TEST(handouts, quote_report_lines_with_the_rubrics_names_numbers_and_points) {
  static const std::regex report_line(
      "^\\s*(\\d+)\\s+(passed|failed|not_implemented|error|crashed|timeout|memory_limit|"
      "output_limit|compile_error)\\s+(\\S+) / (\\S+)\\s{2,}(.+?)\\s*$");
  static const std::regex prerequisite("tested by '([^']+)'(?: and '([^']+)')?");
  for (const std::string& a : assignments()) {
    const Rubric rubric = rubric_of(a);
    int quoted = 0;
    for (const std::string& line : lines_of(read(kSource / "assignments" / a / "README.md"))) {
      std::smatch m;
      if (std::regex_match(line, m, report_line)) {
        ++quoted;
        const std::string name = m[5];
        const TestSpec* t = find_test(rubric, name);
        if (t == nullptr) {
          ADD_FAILURE() << a << "/README.md quotes a test '" << name << "' that " << a
                        << ".yaml does not have";
          continue;
        }
        // `pixelgrad check` runs and numbers the visible tests only
        std::vector<std::string> visible;
        for (const auto& v : rubric.tests) {
          if (v.visibility == Visibility::visible) visible.push_back(v.name);
        }
        const auto number = static_cast<std::size_t>(std::stoi(m[1]));
        EXPECT_TRUE(number >= 1 && number <= visible.size() && visible[number - 1] == name)
            << a << "/README.md numbers '" << name << "' " << number
            << ", not its place among the visible tests of " << a << ".yaml";
        EXPECT_EQ(m[4].str(), points_text(t->points)) << a << "/README.md: points of '" << name << "'";
      }
      if (std::regex_search(line, m, prerequisite)) {
        for (int g : {1, 2}) {
          if (m[g].matched) {
            EXPECT_NE(find_test(rubric, m[g]), nullptr)
                << a << "/README.md quotes a test '" << m[g] << "' that " << a << ".yaml does not have";
          }
        }
      }
    }
    (void)quoted;  // a handout need not quote the report
  }
}

// "61 points in 41 tests, 3 of them hidden and worth 3 points"; "3 hidden tests, worth 3 points"
TEST(handouts, count_the_rubrics_tests_and_points_right) {
  static const std::regex totals("(\\d+) points in (\\d+) tests, (\\d+) of them hidden and worth (\\d+) points");
  static const std::regex hidden("(\\d+) hidden tests, worth (\\d+) points");
  for (const std::string& a : assignments()) {
    const Rubric rubric = rubric_of(a);
    double hidden_points = 0;
    std::size_t hidden_count = 0;
    for (const auto& t : rubric.tests) {
      if (t.visibility != Visibility::visible) {
        ++hidden_count;
        hidden_points += t.points;
      }
    }
    // the handout's text with line breaks as spaces, so that a number may end a line
    std::string text = read(kSource / "assignments" / a / "README.md");
    std::replace(text.begin(), text.end(), '\n', ' ');
    for (std::sregex_iterator m(text.begin(), text.end(), totals), end; m != end; ++m) {
      EXPECT_EQ((*m)[1].str(), points_text(rubric.total_points())) << a << ": " << (*m)[0];
      EXPECT_EQ((*m)[2].str(), std::to_string(rubric.tests.size())) << a << ": " << (*m)[0];
      EXPECT_EQ((*m)[3].str(), std::to_string(hidden_count)) << a << ": " << (*m)[0];
      EXPECT_EQ((*m)[4].str(), points_text(hidden_points)) << a << ": " << (*m)[0];
    }
    for (std::sregex_iterator m(text.begin(), text.end(), hidden), end; m != end; ++m) {
      EXPECT_EQ((*m)[1].str(), std::to_string(hidden_count)) << a << ": " << (*m)[0];
      EXPECT_EQ((*m)[2].str(), points_text(hidden_points)) << a << ": " << (*m)[0];
    }
  }
}

// docs/rubrics.md, "Usual mistakes and the tests that catch them": in every row the first test of
// "caught by" and every test named "(hidden: …)" are tests of that assignment's rubric, the hidden
// ones hidden.
TEST(docs, name_rubric_tests_for_every_usual_mistake) {
  const std::string doc = read(kSource / "docs" / "rubrics.md");
  static const std::regex section("^### .*\\(`([a-z]+)\\.yaml`\\)");
  static const std::regex hidden_part("\\(hidden: ([^)]*)\\)");
  std::string assignment;
  Rubric rubric;
  int column = -1, rows = 0;
  for (const std::string& line : lines_of(doc)) {
    std::smatch m;
    if (std::regex_search(line, m, section)) {
      assignment = m[1];
      rubric = rubric_of(assignment);
      column = -1;
      continue;
    }
    if (assignment.empty() || line.rfind("|", 0) != 0) continue;
    std::vector<std::string> cells;
    std::stringstream row(line.substr(1));
    for (std::string cell; std::getline(row, cell, '|');) cells.push_back(trim(cell));
    if (column < 0) {
      for (std::size_t c = 0; c < cells.size(); ++c) {
        if (cells[c] == "caught by") column = static_cast<int>(c);
      }
      continue;
    }
    if (line.rfind("|---", 0) == 0 || static_cast<int>(cells.size()) <= column) continue;
    std::string caught = cells[static_cast<std::size_t>(column)];
    ++rows;
    // the hidden tests named in parentheses
    for (std::sregex_iterator h(caught.begin(), caught.end(), hidden_part), end; h != end; ++h) {
      const TestSpec* t = find_test(rubric, trim((*h)[1]));
      EXPECT_TRUE(t != nullptr && t->visibility != Visibility::visible)
          << "docs/rubrics.md (" << assignment << ".yaml) names '" << (*h)[1]
          << "' as a hidden test";
    }
    // the first test, as it is or without a note in parentheses at its end
    const std::string visible = std::regex_replace(caught, hidden_part, "");
    std::string first = trim(visible.substr(0, visible.find(';')));
    const auto note = first.rfind(" (");
    if (find_test(rubric, first) == nullptr && note != std::string::npos) {
      first = trim(first.substr(0, note));
    }
    EXPECT_NE(find_test(rubric, first), nullptr)
        << "docs/rubrics.md (" << assignment << ".yaml) says '" << first
        << "' catches a mistake; the rubric has no such test";
  }
  EXPECT_GT(rows, 50);
}

}  // namespace
}  // namespace pg::grader
