// Report formats behind one interface: text, json, gradescope (results.json). A GradeReport never
// formats itself; a writer does. Not what goes into a report (grade.cpp).
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string_view>

#include "result.hpp"

namespace pg::grader {

enum class Format { text, json, gradescope };

std::optional<Format> parse_format(std::string_view name);
const char* format_names();  // "text, json, gradescope": for usage messages

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

// A JSON string literal for arbitrary bytes: escapes, and invalid UTF-8 replaced by U+FFFD.
std::string json_string(std::string_view bytes);

}  // namespace pg::grader
