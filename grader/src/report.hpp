// Report formats behind one interface: text, json, gradescope (results.json), and for CI junit
// (JUnit XML), markdown (a summary page) and classroom (GitHub Classroom's reporter). A GradeReport never
// formats itself; a writer does. Not what goes into a report (grade.cpp).
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "result.hpp"

namespace pg::grader {

enum class Format { text, json, gradescope, junit, markdown, classroom };

std::optional<Format> parse_format(std::string_view name);
const char* format_names();  // "text, json, gradescope, ...": for usage messages

class ReportWriter {
 public:
  virtual ~ReportWriter() = default;
  virtual void write(const GradeReport& report, std::ostream& out) const = 0;
};

// color: ANSI colours in the text format (on a terminal).
std::unique_ptr<ReportWriter> make_writer(Format format, bool color = false);

// Text a terminal or a web page shows as it is: line feeds and tabs kept, every other control
// character (C0, DEL, C1: escapes that would repaint a terminal, carriage returns, NUL) and every
// byte that is not valid UTF-8 written out as \xNN or \u{NN}. For the human-readable formats.
std::string printable(std::string_view bytes);

// A json report that cannot be read back; what() says which field is missing or of what type.
class ReportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The GradeReport a `json` report holds (what `make_writer(Format::json)` wrote), for tools that
// read reports back. Invalid UTF-8 the writer replaced stays U+FFFD.
GradeReport read_json_report(std::string_view json_text);

}  // namespace pg::grader
