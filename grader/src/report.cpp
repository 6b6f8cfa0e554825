// The report writers: text for people, json for tools, gradescope for Gradescope's results.json.
// Not scoring: every number comes from the GradeReport as it is.
#include "report.hpp"

#include <cstdio>
#include <sstream>

#include "compare.hpp"

namespace pg::grader {

namespace {

std::string points(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// the length in bytes of a valid UTF-8 sequence starting at s[i], or 0: shortest form only, no
// surrogates, nothing above U+10FFFF (what a strict JSON reader accepts)
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned c = byte(0);
  std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  unsigned cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(k) >> 6) != 0x2) return 0;
    cp = (cp << 6) | (byte(k) & 0x3F);
  }
  static constexpr unsigned kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  char buf[16];
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = utf8_length(s, i);
    if (n == 0) {
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
      ++i;
      continue;
    }
    if (n == 1 && ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)) {
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else if (n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) {
      // U+0080 to U+009F: C1 controls (U+009B starts an escape sequence on some terminals)
      std::snprintf(buf, sizeof buf, "\\u{%02x}", static_cast<unsigned char>(s[i + 1]));
      out += buf;
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  return out;
}

namespace {

class TextWriter : public ReportWriter {
 public:
  explicit TextWriter(bool color) : color_(color) {}

  void write(const GradeReport& r, std::ostream& out) const override {
    out << paint("1", r.assignment + " — " + r.title) << "\n";
    out << "submission: " << printable(r.submission) << "\n";
    if (!r.sandbox.empty()) out << "sandbox:    " << r.sandbox << "\n";
    if (!r.error.empty()) out << paint("31", "autograder error: " + printable(r.error)) << "\n";
    out << "\n";
    bool detailed = false;
    int number = 0;
    for (const auto& t : r.tests) {
      ++number;
      const bool ok = t.verdict == Verdict::passed;
      std::string verdict = to_string(t.verdict);
      char line[64];
      std::snprintf(line, sizeof line, "%3d  ", number);
      out << line << paint(colour(t.verdict), pad(verdict, 16)) << pad(points(t.score) + " / " +
                                                                        points(t.max_score), 11)
          << printable(t.name);
      if (t.visibility != Visibility::visible) out << "  [" << to_string(t.visibility) << "]";
      out << "\n";
      if (!ok && !t.message.empty()) {
        // the first failure in full, later ones in one line
        const std::string message = printable(t.message);
        out << indent(detailed ? first_line(message) : message, "       ") << "\n";
        if (!t.hint.empty()) out << "       " << paint("33", printable(t.hint)) << "\n";
        if (!t.rubric_hint.empty()) {
          out << indent(paint("33", "hint: " + printable(t.rubric_hint)), "       ") << "\n";
        }
        if (!detailed && !t.output.empty()) {
          out << "       your code printed:\n"
              << indent(printable(excerpt(t.output)), "       | ") << "\n";
        }
        detailed = true;
      } else if (ok && !t.message.empty()) {
        // a passing timed, threshold or gradient-check test says what it measured
        out << "       " << printable(first_line(t.message)) << "\n";
      }
    }
    out << "\n"
        << paint("1", "Score: " + points(r.score()) + " / " + points(r.max_score())) << "   ("
        << r.tests.size() << " tests";
    if (r.hidden_count() > 0) {
      out << ", of which " << r.hidden_count() << " hidden, worth " << points(r.hidden_points())
          << " points";
    } else {
      out << ", none hidden";
    }
    if (r.hidden_not_run > 0) {
      out << "; " << r.hidden_not_run << " hidden tests worth " << points(r.hidden_not_run_points)
          << " points are not run here but count in the final grade";
    }
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.1f", r.seconds);
    out << "; graded in " << secs << " s)\n";
  }

 private:
  static std::string pad(std::string s, std::size_t width) {
    if (s.size() < width) s.append(width - s.size(), ' ');
    return s;
  }
  static std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }
  // the first 12 lines (at most 1200 bytes) of what a submission printed
  static std::string excerpt(const std::string& s) {
    std::size_t end = 0;
    for (int line = 0; line < 12 && end != std::string::npos && end < 1200; ++line) {
      end = s.find('\n', end == 0 ? 0 : end + 1);
    }
    if (end == std::string::npos && s.size() <= 1200) return s;
    return s.substr(0, std::min<std::size_t>(end, 1200)) + "\n[... " +
           std::to_string(s.size() - std::min<std::size_t>(end, 1200)) + " more bytes]";
  }
  static std::string indent(const std::string& s, const std::string& prefix) {
    std::string out = prefix;
    for (char c : s) {
      out += c;
      if (c == '\n') out += prefix;
    }
    while (!out.empty() && (out.back() == ' ' || out.back() == '|' || out.back() == '\n')) {
      out.pop_back();
    }
    return out;
  }
  static const char* colour(Verdict v) {
    switch (v) {
      case Verdict::passed: return "32";
      case Verdict::not_implemented: return "33";
      default: return "31";
    }
  }
  std::string paint(const char* code, const std::string& s) const {
    return color_ ? "\033[" + std::string(code) + "m" + s + "\033[0m" : s;
  }
  bool color_;
};

class JsonWriter : public ReportWriter {
 public:
  void write(const GradeReport& r, std::ostream& out) const override {
    out << "{\n  \"assignment\": " << json_string(r.assignment)
        << ",\n  \"title\": " << json_string(r.title)
        << ",\n  \"submission\": " << json_string(r.submission)
        << ",\n  \"score\": " << points(r.score()) << ",\n  \"max_score\": "
        << points(r.max_score()) << ",\n  \"hidden_tests\": {\"count\": " << r.hidden_count()
        << ", \"points\": " << points(r.hidden_points()) << ", \"not_run\": " << r.hidden_not_run
        << ", \"not_run_points\": " << points(r.hidden_not_run_points) << "}"
        << ",\n  \"sandbox\": " << json_string(r.sandbox)
        << ",\n  \"built\": " << (r.built ? "true" : "false")
        << ",\n  \"build_log\": " << json_string(r.build_log)
        << ",\n  \"error\": " << (r.error.empty() ? "null" : json_string(r.error))
        << ",\n  \"execution_time\": " << num(r.seconds)
        << ",\n  \"profile\": {\"prepare_s\": " << num(r.profile.prepare)
        << ", \"compile_s\": " << num(r.profile.compile) << ", \"link_s\": " << num(r.profile.link)
        << ", \"inputs_s\": " << num(r.profile.inputs)
        << ", \"reference_s\": " << num(r.profile.reference)
        << ", \"student_s\": " << num(r.profile.student) << ", \"other_s\": " << num(r.profile.other)
        << "}"
        << ",\n  \"tests\": [";
    int number = 0;
    for (const auto& t : r.tests) {
      ++number;
      out << (number > 1 ? "," : "") << "\n    {\"number\": " << number
          << ", \"name\": " << json_string(t.name) << ", \"case\": " << json_string(t.case_name)
          << ", \"verdict\": \"" << to_string(t.verdict) << "\", \"score\": " << points(t.score)
          << ", \"max_score\": " << points(t.max_score) << ", \"visibility\": \""
          << to_string(t.visibility) << "\", \"seconds\": " << num(t.seconds)
          << ", \"ratio\": " << (t.ratio ? num(*t.ratio) : "null")
          << ", \"student_cpu_s\": " << (t.student_cpu_s ? num(*t.student_cpu_s) : "null")
          << ", \"reference_cpu_s\": " << (t.reference_cpu_s ? num(*t.reference_cpu_s) : "null")
          << ", \"load_cpu_s\": " << (t.load_cpu_s ? num(*t.load_cpu_s) : "null")
          << ", \"message\": " << json_string(t.message)
          << ", \"cause\": " << (t.cause.empty() ? "null" : json_string(t.cause))
          << ", \"hint\": " << (t.hint.empty() ? "null" : json_string(t.hint))
          << ", \"rubric_hint\": " << (t.rubric_hint.empty() ? "null" : json_string(t.rubric_hint))
          << ", \"output\": " << json_string(t.output) << "}";
    }
    out << "\n  ]\n}\n";
  }
};

// Gradescope's results.json: top-level score and execution_time, one entry per test.
class GradescopeWriter : public ReportWriter {
 public:
  void write(const GradeReport& r, std::ostream& out) const override {
    std::ostringstream summary;
    if (!r.error.empty()) summary << "Autograder error: " << r.error << "\n";
    if (!r.built && !r.build_log.empty()) summary << "Your code did not build:\n" << r.build_log;
    summary << r.tests.size() << " tests";
    if (r.hidden_count() > 0) {
      summary << ", of which " << r.hidden_count() << " hidden, worth "
              << points(r.hidden_points()) << " points";
    }
    summary << ".";
    out << "{\n  \"score\": " << points(r.score()) << ",\n  \"execution_time\": "
        << num(r.seconds) << ",\n  \"output\": " << json_string(printable(summary.str()))
        << ",\n  \"output_format\": \"text\",\n  \"visibility\": \"visible\","
        << "\n  \"stdout_visibility\": \"hidden\",\n  \"tests\": [";
    int number = 0;
    for (const auto& t : r.tests) {
      std::string text = std::string(to_string(t.verdict));
      if (!t.message.empty()) text += ": " + t.message;
      if (!t.hint.empty()) text += "\n" + t.hint;
      if (!t.rubric_hint.empty()) text += "\nHint: " + t.rubric_hint;
      if (!t.output.empty()) text += "\n\nYour code printed:\n" + t.output;
      ++number;
      out << (number > 1 ? "," : "") << "\n    {\"name\": " << json_string(t.name)
          << ", \"number\": \"" << number << "\", \"score\": " << points(t.score)
          << ", \"max_score\": " << points(t.max_score) << ", \"status\": \""
          << (t.verdict == Verdict::passed ? "passed" : "failed")
          << "\", \"output\": " << json_string(printable(text))
          << ", \"output_format\": \"text\", \"visibility\": \"" << to_string(t.visibility)
          << "\"}";
    }
    out << "\n  ]\n}\n";
  }
};

}  // namespace

std::optional<Format> parse_format(std::string_view name) {
  if (name == "text") return Format::text;
  if (name == "json") return Format::json;
  if (name == "gradescope") return Format::gradescope;
  return std::nullopt;
}

const char* format_names() { return "text, json, gradescope"; }

std::unique_ptr<ReportWriter> make_writer(Format format, bool color) {
  switch (format) {
    case Format::json: return std::make_unique<JsonWriter>();
    case Format::gradescope: return std::make_unique<GradescopeWriter>();
    case Format::text: break;
  }
  return std::make_unique<TextWriter>(color);
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = utf8_length(s, i);
    if (n == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    if (n > 1) {
      out.append(s.substr(i, n));
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
    i += n;
  }
  return out + "\"";
}

}  // namespace pg::grader
