// The skeleton transformation: a line scanner with one state (inside a solution block or not).
// Not the tool's command line (skeletonize.cpp).
#include "skeleton.hpp"

#include <sstream>

namespace pg::tools {

namespace {

std::string trimmed(const std::string& line) {
  auto b = line.find_first_not_of(" \t");
  auto e = line.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : line.substr(b, e - b + 1);
}

}  // namespace

std::string make_skeleton(const std::string& source, const std::string& name) {
  std::istringstream in(source);
  std::string out, line;
  int number = 0, begin_line = 0;
  bool inside = false;
  auto fail = [&](int at, const std::string& what) {
    throw std::runtime_error(name + ":" + std::to_string(at) + ": " + what);
  };
  while (std::getline(in, line)) {
    ++number;
    const std::string t = trimmed(line);
    if (t == kBeginMarker) {
      if (inside) {
        fail(number, "BEGIN SOLUTION inside the block opened at line " +
                         std::to_string(begin_line) + " (blocks do not nest)");
      }
      inside = true;
      begin_line = number;
      out += line.substr(0, line.find_first_not_of(" \t")) +
             "throw pg::NotImplemented(__func__);\n";
    } else if (t == kEndMarker) {
      if (!inside) fail(number, "END SOLUTION without a BEGIN SOLUTION before it");
      inside = false;
    } else if (t.find("BEGIN SOLUTION") != std::string::npos ||
               t.find("END SOLUTION") != std::string::npos) {
      fail(number, "a marker must be alone on its line, exactly '" + std::string(kBeginMarker) +
                       "' or '" + kEndMarker + "'");
    } else if (!inside) {
      out += line + "\n";
    }
  }
  if (inside) fail(begin_line, "BEGIN SOLUTION is never closed by END SOLUTION");
  return out;
}

}  // namespace pg::tools
