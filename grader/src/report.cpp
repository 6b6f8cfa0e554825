// The report writers: text for people, json for tools, gradescope for Gradescope's results.json,
// junit, markdown and classroom for CI. Not scoring: every number comes from the GradeReport as
// it is.
#include "report.hpp"

#include <boost/archive/iterators/base64_from_binary.hpp>
#include <boost/archive/iterators/transform_width.hpp>
#include <fmt/core.h>
#include <pugixml.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
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
    bool build_failure_shown = false;  // a failed build's message is the same under every test
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
      if (t.extra_credit) out << "  [extra credit]";
      if (t.visibility != Visibility::visible) out << "  [" << to_string(t.visibility) << "]";
      out << "\n";
      if (t.verdict == Verdict::compile_error && build_failure_shown) continue;
      if (!ok && !t.message.empty()) {
        build_failure_shown = build_failure_shown || t.verdict == Verdict::compile_error;
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
    std::string counts;
    if (r.hidden_not_run > 0) {
      // pixelgrad check: the tests it ran are the public ones, the hidden ones wait for grading
      counts = fmt::format("{} public tests run here; {} hidden tests worth {} points run only "
                           "when your work is graded",
                           r.tests.size(), r.hidden_not_run, points(r.hidden_not_run_points));
    } else if (r.hidden_count() > 0) {
      counts = fmt::format("{} tests, of which {} hidden, worth {} points", r.tests.size(),
                           r.hidden_count(), points(r.hidden_points()));
    } else {
      counts = fmt::format("{} tests, none hidden", r.tests.size());
    }
    if (r.timed_not_run > 0) {
      counts += fmt::format("; {} speed tests left out with --debug", r.timed_not_run);
    }
    if (r.extra_credit_points() > 0) {
      double earned = 0;
      for (const auto& t : r.tests) earned += t.extra_credit ? t.score : 0;
      counts += fmt::format("; {} of {} extra-credit points, on top of the {}", points(earned),
                            points(r.extra_credit_points()), points(r.max_score()));
    }
    out << "\n"
        << paint("1", fmt::format("Score: {} / {}", points(r.score()), points(r.max_score())))
        << fmt::format("   ({}; graded in {:.1f} s)\n", counts, r.seconds);
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

// ---- json and gradescope: documents built with nlohmann::json, which does all the escaping ----

using Json = nlohmann::ordered_json;  // keys stay in the order they are set

// a whole number as an integer (3, not 3.0), any other value as the double it is
Json json_number(double v) {
  if (std::isfinite(v) && v == std::trunc(v) && std::abs(v) < 1e15) {
    return static_cast<std::int64_t>(v);
  }
  return v;
}

Json number_or_null(const std::optional<double>& v) { return v ? json_number(*v) : Json(); }

Json text_or_null(const std::string& s) { return s.empty() ? Json() : Json(s); }

// Two-space indents and UTF-8 as it is; a byte that is not valid UTF-8 (a submission prints what
// it likes) becomes U+FFFD instead of an exception.
void write_document(const Json& doc, std::ostream& out) {
  out << doc.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
}

class JsonWriter : public ReportWriter {
 public:
  void write(const GradeReport& r, std::ostream& out) const override {
    Json tests = Json::array();
    for (const auto& t : r.tests) {
      Json entry = {{"number", tests.size() + 1},
                    {"name", t.name},
                    {"case", t.case_name},
                    {"verdict", to_string(t.verdict)},
                    {"score", json_number(t.score)},
                    {"max_score", json_number(t.max_score)},
                    {"extra_credit", t.extra_credit},
                    {"visibility", to_string(t.visibility)},
                    {"seconds", json_number(t.seconds)},
                    {"ratio", number_or_null(t.ratio)},
                    {"student_cpu_s", number_or_null(t.student_cpu_s)},
                    {"reference_cpu_s", number_or_null(t.reference_cpu_s)},
                    {"load_cpu_s", number_or_null(t.load_cpu_s)},
                    {"message", t.message},
                    {"cause", text_or_null(t.cause)},
                    {"hint", text_or_null(t.hint)},
                    {"rubric_hint", text_or_null(t.rubric_hint)},
                    {"output", t.output}};
      tests.push_back(std::move(entry));
    }
    const Profile& p = r.profile;
    Json doc = {{"assignment", r.assignment},
                {"title", r.title},
                {"submission", r.submission},
                {"score", json_number(r.score())},
                {"max_score", json_number(r.max_score())},
                {"extra_credit_points", json_number(r.extra_credit_points())},
                {"hidden_tests",
                 {{"count", r.hidden_count()},
                  {"points", json_number(r.hidden_points())},
                  {"not_run", r.hidden_not_run},
                  {"not_run_points", json_number(r.hidden_not_run_points)}}},
                {"sandbox", r.sandbox},
                {"built", r.built},
                {"build_log", r.build_log},
                {"error", text_or_null(r.error)},
                {"execution_time", json_number(r.seconds)},
                {"profile",
                 {{"prepare_s", json_number(p.prepare)},
                  {"compile_s", json_number(p.compile)},
                  {"link_s", json_number(p.link)},
                  {"inputs_s", json_number(p.inputs)},
                  {"reference_s", json_number(p.reference)},
                  {"student_s", json_number(p.student)},
                  {"other_s", json_number(p.other)}}}};
    doc["tests"] = std::move(tests);
    write_document(doc, out);
  }
};

// "1 test", "2 tests", "2.5 points"
std::string count_of(double n, const char* one, const char* many) {
  return fmt::format("{} {}", points(n), n == 1 ? one : many);
}

// The text above the tests on Gradescope: what stopped grading, or how many tests there are and
// how many of them are hidden. After an autograder error the one entry is the error, not a test.
std::string gradescope_summary(const GradeReport& r) {
  std::string s;
  if (!r.error.empty()) s += fmt::format("Autograder error: {}\n", r.error);
  if (!r.built && !r.build_log.empty()) {
    s += fmt::format("Your code did not build:\n{}", r.build_log);
    if (s.back() != '\n') s += '\n';
  }
  if (!r.error.empty()) return s + "No test was graded.";
  s += count_of(static_cast<double>(r.tests.size()), "test", "tests");
  if (r.hidden_count() > 0) {
    s += fmt::format(", of which {} hidden, worth {}", r.hidden_count(),
                     count_of(r.hidden_points(), "point", "points"));
  }
  return s + ".";
}

// what a student reads under a test on Gradescope
std::string gradescope_test_output(const TestResult& t) {
  std::string text = to_string(t.verdict);
  if (!t.message.empty()) text += ": " + t.message;
  if (!t.hint.empty()) text += "\n" + t.hint;
  if (!t.rubric_hint.empty()) text += "\nHint: " + t.rubric_hint;
  if (!t.output.empty()) text += "\n\nYour code printed:\n" + t.output;
  return printable(text);
}

// Gradescope's results.json: top-level score and execution_time, one entry per test.
class GradescopeWriter : public ReportWriter {
 public:
  void write(const GradeReport& r, std::ostream& out) const override {
    Json tests = Json::array();
    for (const auto& t : r.tests) {
      // Gradescope adds up max_score for the total: an extra-credit test offers 0 and scores
      // what it earned, which Gradescope shows on top of the total
      Json entry = {{"name", t.extra_credit ? t.name + " (extra credit)" : t.name},
                    {"number", std::to_string(tests.size() + 1)},
                    {"score", json_number(t.score)},
                    {"max_score", json_number(t.extra_credit ? 0.0 : t.max_score)},
                    {"status", t.verdict == Verdict::passed ? "passed" : "failed"},
                    {"output", gradescope_test_output(t)},
                    {"output_format", "text"},
                    {"visibility", to_string(t.visibility)}};
      tests.push_back(std::move(entry));
    }
    Json doc = {{"score", json_number(r.score())},
                {"execution_time", json_number(r.seconds)},
                {"output", printable(gradescope_summary(r))},
                {"output_format", "text"},
                {"visibility", to_string(r.gradescope.visibility)},
                {"stdout_visibility", to_string(r.gradescope.stdout_visibility)}};
    doc["tests"] = std::move(tests);
    write_document(doc, out);
  }
};

// ---- CI: junit, markdown, classroom ----

std::string first_line_of(const std::string& s) { return s.substr(0, s.find('\n')); }

// what each report says of the tests it does not show or run
std::string hidden_summary(const GradeReport& r) {
  if (r.hidden_not_run > 0) {
    return fmt::format("{} hidden {} worth {} run only when the work is graded",
                       r.hidden_not_run, r.hidden_not_run == 1 ? "test" : "tests",
                       count_of(r.hidden_not_run_points, "point", "points"));
  }
  if (r.hidden_count() > 0) {
    return fmt::format("{} of the tests {} hidden, worth {}", r.hidden_count(),
                       r.hidden_count() == 1 ? "is" : "are",
                       count_of(r.hidden_points(), "point", "points"));
  }
  return "no hidden tests";
}

std::string seconds_text(double s) { return fmt::format("{:.3f}", std::max(0.0, s)); }

// JUnit XML as Jenkins' schema (xunit-plugin junit-10.xsd) has it, which GitHub Actions' test
// reporters and GitLab read: one testsuite per grading, one testcase per rubric test, a failure
// (the verdict as its type, the message's first line as its message, the whole message as its
// text) for a test that did not pass, an error for one the grader could not grade. The points
// are properties of the suite, since a testcase has none in that schema.
class JunitWriter : public ReportWriter {
 public:
  void write(const GradeReport& r, std::ostream& out) const override {
    pugi::xml_document doc;
    auto decl = doc.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "UTF-8";
    int failures = 0, errors = 0;
    for (const auto& t : r.tests) {
      if (t.verdict == Verdict::grader_error) {
        ++errors;
      } else if (t.verdict != Verdict::passed) {
        ++failures;
      }
    }
    const std::string tests = std::to_string(r.tests.size());
    auto suites = doc.append_child("testsuites");
    suites.append_attribute("name") = "pixelgrad";
    suites.append_attribute("tests") = tests.c_str();
    suites.append_attribute("failures") = std::to_string(failures).c_str();
    suites.append_attribute("errors") = std::to_string(errors).c_str();
    suites.append_attribute("time") = seconds_text(r.seconds).c_str();
    auto suite = suites.append_child("testsuite");
    suite.append_attribute("name") = printable(r.assignment + " — " + r.title).c_str();
    suite.append_attribute("tests") = tests.c_str();
    suite.append_attribute("failures") = std::to_string(failures).c_str();
    suite.append_attribute("errors") = std::to_string(errors).c_str();
    suite.append_attribute("skipped") = "0";
    suite.append_attribute("time") = seconds_text(r.seconds).c_str();
    auto properties = suite.append_child("properties");
    auto property = [&](const std::string& name, const std::string& value) {
      auto p = properties.append_child("property");
      p.append_attribute("name") = printable(name).c_str();
      p.append_attribute("value") = printable(value).c_str();
    };
    property("score", points(r.score()));
    property("max_score", points(r.max_score()));
    property("hidden_tests", hidden_summary(r));
    if (!r.error.empty()) property("autograder_error", r.error);
    for (const auto& t : r.tests) {
      property("points: " + t.name, points(t.score) + " / " + points(t.max_score) +
                                        (t.extra_credit ? " (extra credit)" : ""));
    }
    for (const auto& t : r.tests) {
      auto c = suite.append_child("testcase");
      c.append_attribute("name") = printable(t.name).c_str();
      c.append_attribute("classname") = ("pixelgrad." + r.assignment).c_str();
      c.append_attribute("time") = seconds_text(t.seconds).c_str();
      if (t.verdict != Verdict::passed) {
        const bool error = t.verdict == Verdict::grader_error;
        auto f = c.append_child(error ? "error" : "failure");
        const std::string message = printable(t.message);
        f.append_attribute("type") = to_string(t.verdict);
        f.append_attribute("message") = first_line_of(message).c_str();
        std::string text = fmt::format("{} ({} / {} points): {}", to_string(t.verdict),
                                       points(t.score), points(t.max_score), message);
        if (!t.hint.empty()) text += "\n" + printable(t.hint);
        if (!t.rubric_hint.empty()) text += "\nhint: " + printable(t.rubric_hint);
        f.text() = text.c_str();
      }
      if (!t.output.empty()) c.append_child("system-out").text() = printable(t.output).c_str();
    }
    doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  }
};

// A table cell: one line, no column breaks.
std::string cell(const std::string& s) {
  std::string out;
  for (char c : printable(s)) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += "<br>";
    } else {
      out += c;
    }
  }
  return out;
}

// For $GITHUB_STEP_SUMMARY or a merge-request comment: the score, a table of the tests, and
// each failed test's message in full below it.
class MarkdownWriter : public ReportWriter {
 public:
  void write(const GradeReport& r, std::ostream& out) const override {
    out << "### " << cell(r.assignment + " — " + r.title) << ": " << points(r.score()) << " / "
        << points(r.max_score()) << "\n\n";
    if (!r.error.empty()) out << "**Autograder error:** " << cell(r.error) << "\n\n";
    if (r.tests.empty()) return;
    out << "| # | test | verdict | points |\n|---:|---|---|---:|\n";
    int number = 0;
    for (const auto& t : r.tests) {
      const char* mark = t.verdict == Verdict::passed ? "✅" : "❌";
      out << "| " << ++number << " | " << cell(t.name) << (t.extra_credit ? " (extra credit)" : "")
          << " | " << mark << " " << to_string(t.verdict) << " | " << points(t.score) << " / "
          << points(t.max_score) << " |\n";
    }
    out << "\n" << cell(hidden_summary(r)) << "; graded in " << fmt::format("{:.1f}", r.seconds)
        << " s.\n";
    number = 0;
    for (const auto& t : r.tests) {
      ++number;
      if (t.verdict == Verdict::passed || t.message.empty()) continue;
      out << "\n<details><summary>" << number << ". " << cell(t.name) << ": "
          << to_string(t.verdict) << "</summary>\n\n```\n" << fenced(t.message);
      if (!t.rubric_hint.empty()) out << "\nhint: " << fenced(t.rubric_hint);
      out << "\n```\n</details>\n";
    }
  }

 private:
  // text inside a ``` block: no line may close it
  static std::string fenced(const std::string& s) {
    std::string out = printable(s);
    for (std::size_t at = 0; (at = out.find("```", at)) != std::string::npos; at += 4) {
      out.insert(at + 1, "\u200b");  // a zero-width space keeps the backticks from closing
    }
    return out;
  }
};

std::string base64(const std::string& bytes) {
  using namespace boost::archive::iterators;
  using Encode = base64_from_binary<transform_width<std::string::const_iterator, 6, 8>>;
  std::string out(Encode(bytes.begin()), Encode(bytes.end()));
  out.append((3 - bytes.size() % 3) % 3, '=');
  return out;
}

// GitHub Classroom's reporter (autograding-grading-reporter) reads a runner's result as base64
// JSON, version 1: the status of the whole (pass, fail or error), max_score, and per test its
// name, status, message and score.
class ClassroomWriter : public ReportWriter {
 public:
  void write(const GradeReport& r, std::ostream& out) const override {
    Json tests = Json::array();
    bool failed = false;
    for (const auto& t : r.tests) {
      const char* status = t.verdict == Verdict::passed         ? "pass"
                           : t.verdict == Verdict::grader_error ? "error"
                                                                : "fail";
      failed = failed || t.verdict != Verdict::passed;
      tests.push_back({{"name", printable(t.name)},
                       {"status", status},
                       {"message", printable(t.message)},
                       {"test_code", ""},
                       {"filename", ""},
                       {"line_no", 0},
                       {"execution_time", fmt::format("{:.2f}s", t.seconds)},
                       {"score", json_number(t.score)}});
    }
    Json doc = {{"version", 1},
                {"status", !r.error.empty() ? "error" : failed ? "fail" : "pass"},
                {"max_score", json_number(r.max_score())}};
    doc["tests"] = std::move(tests);
    out << base64(doc.dump(-1, ' ', false, Json::error_handler_t::replace)) << "\n";
  }
};

}  // namespace

std::optional<Format> parse_format(std::string_view name) {
  if (name == "text") return Format::text;
  if (name == "json") return Format::json;
  if (name == "gradescope") return Format::gradescope;
  if (name == "junit") return Format::junit;
  if (name == "markdown") return Format::markdown;
  if (name == "classroom") return Format::classroom;
  return std::nullopt;
}

const char* format_names() { return "text, json, gradescope, junit, markdown, classroom"; }

std::unique_ptr<ReportWriter> make_writer(Format format, bool color) {
  switch (format) {
    case Format::json: return std::make_unique<JsonWriter>();
    case Format::gradescope: return std::make_unique<GradescopeWriter>();
    case Format::junit: return std::make_unique<JunitWriter>();
    case Format::markdown: return std::make_unique<MarkdownWriter>();
    case Format::classroom: return std::make_unique<ClassroomWriter>();
    case Format::text: break;
  }
  return std::make_unique<TextWriter>(color);
}

namespace {

Verdict verdict_named(const std::string& name) {
  for (Verdict v : {Verdict::passed, Verdict::failed, Verdict::not_implemented, Verdict::error,
                    Verdict::crashed, Verdict::timeout, Verdict::memory_limit,
                    Verdict::output_limit, Verdict::compile_error, Verdict::grader_error}) {
    if (name == to_string(v)) return v;
  }
  throw ReportError(fmt::format("unknown verdict '{}'", name));
}

std::string text_at(const Json& j, const char* key) {
  const Json& v = j.at(key);
  return v.is_null() ? std::string() : v.get<std::string>();
}

std::optional<double> number_at(const Json& j, const char* key) {
  const Json& v = j.at(key);
  if (v.is_null()) return std::nullopt;
  return v.get<double>();
}

}  // namespace

GradeReport read_json_report(std::string_view text) {
  GradeReport r;
  try {
    const Json doc = Json::parse(text);
    r.assignment = doc.at("assignment").get<std::string>();
    r.title = doc.at("title").get<std::string>();
    r.submission = doc.at("submission").get<std::string>();
    r.sandbox = doc.at("sandbox").get<std::string>();
    r.built = doc.at("built").get<bool>();
    r.build_log = doc.at("build_log").get<std::string>();
    r.error = text_at(doc, "error");
    r.seconds = doc.at("execution_time").get<double>();
    const Json& hidden = doc.at("hidden_tests");
    r.hidden_not_run = hidden.at("not_run").get<int>();
    r.hidden_not_run_points = hidden.at("not_run_points").get<double>();
    const Json& p = doc.at("profile");
    r.profile = {p.at("prepare_s").get<double>(), p.at("compile_s").get<double>(),
                 p.at("link_s").get<double>(),    p.at("inputs_s").get<double>(),
                 p.at("reference_s").get<double>(), p.at("student_s").get<double>(),
                 p.at("other_s").get<double>()};
    for (const Json& t : doc.at("tests")) {
      TestResult result;
      result.name = t.at("name").get<std::string>();
      result.case_name = t.at("case").get<std::string>();
      result.verdict = verdict_named(t.at("verdict").get<std::string>());
      result.score = t.at("score").get<double>();
      result.max_score = t.at("max_score").get<double>();
      result.extra_credit = t.value("extra_credit", false);
      const std::string visibility = t.at("visibility").get<std::string>();
      const std::optional<Visibility> v = parse_visibility(visibility);
      if (!v) throw ReportError(fmt::format("unknown visibility '{}'", visibility));
      result.visibility = *v;
      result.seconds = t.at("seconds").get<double>();
      result.ratio = number_at(t, "ratio");
      result.student_cpu_s = number_at(t, "student_cpu_s");
      result.reference_cpu_s = number_at(t, "reference_cpu_s");
      result.load_cpu_s = number_at(t, "load_cpu_s");
      result.message = t.at("message").get<std::string>();
      result.cause = text_at(t, "cause");
      result.hint = text_at(t, "hint");
      result.rubric_hint = text_at(t, "rubric_hint");
      result.output = t.at("output").get<std::string>();
      r.tests.push_back(std::move(result));
    }
  } catch (const Json::exception& e) {
    throw ReportError(fmt::format("not a json report: {}", e.what()));
  }
  return r;
}

}  // namespace pg::grader
