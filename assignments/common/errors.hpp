// The error types every assignment throws, and the one helper that checks shapes.
// Not the grader's errors (those are in grader/src/errors.hpp).
#pragma once

#include <stdexcept>
#include <string>

#include "common/types.hpp"

namespace pg {

// Thrown by a skeleton function whose body is still a TODO. The grader reports the tests that hit
// it as "not implemented" rather than as errors.
class NotImplemented : public std::logic_error {
 public:
  explicit NotImplemented(const std::string& function)
      : std::logic_error(function + " is not implemented yet (its body is still a TODO)"),
        function_(function) {}
  const std::string& function() const noexcept { return function_; }

 private:
  std::string function_;
};

// A matrix or vector argument with the wrong shape. It is a std::invalid_argument, as every
// invalid argument is (SPEC: shape mismatch, k < 1, a stride that does not tile).
class ShapeError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// A data file that is missing, truncated or not what it claims to be.
class DatasetError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "(rows, cols)" for messages.
std::string shape_str(long rows, long cols);

template <class M>
std::string shape_of(const M& m) {
  return shape_str(static_cast<long>(m.rows()), static_cast<long>(m.cols()));
}

// Throws ShapeError naming `name` and both shapes unless `m` is rows x cols; -1 means any.
void check_shape(const char* function, const char* name, long rows, long cols, long want_rows,
                 long want_cols);

template <class M>
void check_shape(const char* function, const char* name, const M& m, long want_rows,
                 long want_cols) {
  check_shape(function, name, static_cast<long>(m.rows()), static_cast<long>(m.cols()), want_rows,
              want_cols);
}

// Throws std::invalid_argument with "<function>: <message>" unless `ok`.
void require(bool ok, const char* function, const std::string& message);

}  // namespace pg
