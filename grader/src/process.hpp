// The grader's own side of the file system: running a trusted tool it needs (git) and reading
// what it prints, and reading a file whole. Never for submission code: that runs in the sandbox
// (sandbox.hpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace pg::grader {

// Runs `args` (args[0] looked up on PATH) with stderr discarded and returns its standard output,
// or nullopt when it cannot start or does not exit with status 0.
std::optional<std::string> output_of(const std::vector<std::string>& args);

// The bytes of the file at `path`, or nullopt when it cannot be opened.
std::optional<std::string> read_file(const std::string& path);

}  // namespace pg::grader
