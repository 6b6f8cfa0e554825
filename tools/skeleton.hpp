// Making a student skeleton from a reference source: every BEGIN/END SOLUTION block becomes a
// line that throws pg::NotImplemented. Not the file walking (skeletonize.cpp does that).
#pragma once

#include <stdexcept>
#include <string>

namespace pg::tools {

inline constexpr const char* kBeginMarker = "// BEGIN SOLUTION";
inline constexpr const char* kEndMarker = "// END SOLUTION";

// Returns `source` with each block, markers included, replaced by
//   <the BEGIN line's indentation>throw pg::NotImplemented(__func__);
// Throws std::runtime_error("<name>:<line>: ...") for a BEGIN inside a block, an END outside one,
// or a block that never ends.
std::string make_skeleton(const std::string& source, const std::string& name);

}  // namespace pg::tools
