// Tests of the report writers on a GradeReport built here: text checked by substrings, json and
// gradescope parsed back (hostile bytes included), and the json reader. Not what grading puts in
// a report (grade.cpp); tests/grader/check_report_schemas.py checks real gradings' reports.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "report.hpp"

namespace pg::grader {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using Json = nlohmann::json;

// three tests: a visible pass (3 points), a visible failure (0 of 4), a hidden not_implemented
// test (0 of 2)
GradeReport three_tests() {
  GradeReport r;
  r.assignment = "knn";
  r.title = "k-nearest neighbours";
  r.submission = "alice.zip";
  r.sandbox = "bwrap";
  r.built = true;
  r.seconds = 1.5;
  TestResult passed;
  passed.name = "L2 distances, two loops";
  passed.case_name = "knn.distances_two_loops";
  passed.verdict = Verdict::passed;
  passed.score = 3;
  passed.max_score = 3;
  TestResult failed;
  failed.name = "predict labels, k = 5";
  failed.case_name = "knn.predict_labels";
  failed.verdict = Verdict::failed;
  failed.score = 0;
  failed.max_score = 4;
  failed.message = "y_pred (20): 3 of 20 differ\nsecond line of the first failure";
  failed.output = "debug: k = 5\n";
  TestResult hidden;
  hidden.name = "cross-validation";
  hidden.case_name = "knn.cross_validate";
  hidden.verdict = Verdict::not_implemented;
  hidden.score = 0;
  hidden.max_score = 2;
  hidden.visibility = Visibility::hidden;
  hidden.message = "cross_validate is not implemented yet\nsecond line of a later failure";
  r.tests = {passed, failed, hidden};
  return r;
}

std::string write(Format format, const GradeReport& r, bool color = false) {
  std::ostringstream out;
  make_writer(format, color)->write(r, out);
  return out.str();
}

// a json or gradescope report as a JSON document (the parser refuses invalid UTF-8)
Json parsed(Format format, const GradeReport& r) { return Json::parse(write(format, r)); }

// what main.cpp reports when grading as a whole fails: the error and one entry saying so
GradeReport grader_error(const std::string& error) {
  GradeReport r;
  r.assignment = "knn";
  r.error = error;
  TestResult failure;
  failure.name = "autograder error";
  failure.verdict = Verdict::grader_error;
  failure.message = error;
  r.tests = {failure};
  return r;
}

// bytes that are not UTF-8: a stray byte, a lone continuation byte, a sequence cut short, an
// overlong encoding, a surrogate and a code point above U+10FFFF
const std::string kInvalidUtf8 =
    "a\xff"
    "b\x80"
    "c\xE2\x80"
    "d\xC0\xAF"
    "e\xED\xA0\x80"
    "f\xF4\x90\x80\x80"
    "g";
const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

TEST(report_totals, sum_scores_and_count_hidden_tests) {
  GradeReport r = three_tests();
  EXPECT_EQ(r.score(), 3);
  EXPECT_EQ(r.max_score(), 9);
  EXPECT_EQ(r.hidden_count(), 1);
  EXPECT_EQ(r.hidden_points(), 2);
}

TEST(report_formats, parse_format_knows_the_six_names) {
  EXPECT_EQ(parse_format("text"), Format::text);
  EXPECT_EQ(parse_format("json"), Format::json);
  EXPECT_EQ(parse_format("gradescope"), Format::gradescope);
  EXPECT_EQ(parse_format("junit"), Format::junit);
  EXPECT_EQ(parse_format("markdown"), Format::markdown);
  EXPECT_EQ(parse_format("classroom"), Format::classroom);
  EXPECT_EQ(parse_format("xml"), std::nullopt);
  EXPECT_STREQ(format_names(), "text, json, gradescope, junit, markdown, classroom");
}

// a message that holds the markdown's own syntax stays in its cell and its block
TEST(markdown_report, keeps_pipes_newlines_and_fences_inside) {
  GradeReport r = three_tests();
  r.tests[1].name = "a | b";
  r.tests[1].message = "line one\n```\nstill inside";
  std::ostringstream out;
  make_writer(Format::markdown)->write(r, out);
  const std::string md = out.str();
  EXPECT_NE(md.find("| a \\| b |"), std::string::npos) << md;
  const auto at = md.find("still inside");
  ASSERT_NE(at, std::string::npos) << md;
  const auto open = md.rfind("<summary>", at), close = md.find("\n```\n</details>", at);
  ASSERT_NE(open, std::string::npos);
  ASSERT_NE(close, std::string::npos);
  // between the block's fences, no line is a fence
  const std::string block = md.substr(open, close - open);
  const std::string inside = block.substr(block.find("```\n") + 4);
  EXPECT_EQ(inside.find("\n```"), std::string::npos) << inside;
  EXPECT_NE(inside.find("still inside"), std::string::npos);
}

TEST(gradescope_report, writes_the_score_and_execution_time_as_numbers) {
  const Json doc = parsed(Format::gradescope, three_tests());
  EXPECT_EQ(doc["score"], 3);
  EXPECT_TRUE(doc["score"].is_number());
  EXPECT_EQ(doc["execution_time"], 1.5);
  EXPECT_EQ(doc["output_format"], "text");
  EXPECT_EQ(doc["tests"].size(), 3u);
}

TEST(gradescope_report, writes_one_entry_per_test) {
  const Json tests = parsed(Format::gradescope, three_tests())["tests"];
  EXPECT_EQ(tests[0], Json({{"name", "L2 distances, two loops"},
                            {"number", "1"},
                            {"score", 3},
                            {"max_score", 3},
                            {"status", "passed"},
                            {"output", "passed"},
                            {"output_format", "text"},
                            {"visibility", "visible"}}));
  EXPECT_EQ(tests[1], Json({{"name", "predict labels, k = 5"},
                            {"number", "2"},
                            {"score", 0},
                            {"max_score", 4},
                            {"status", "failed"},
                            {"output",
                             "failed: y_pred (20): 3 of 20 differ\nsecond line of the first "
                             "failure\n\nYour code printed:\ndebug: k = 5\n"},
                            {"output_format", "text"},
                            {"visibility", "visible"}}));
  EXPECT_EQ(tests[2]["number"], "3");
  EXPECT_EQ(tests[2]["status"], "failed");
  EXPECT_THAT(tests[2]["output"].get<std::string>(),
              StartsWith("not_implemented: cross_validate is not implemented yet"));
}

TEST(gradescope_report, keeps_the_fields_in_gradescopes_order) {
  const std::string out = write(Format::gradescope, three_tests());
  EXPECT_THAT(out, ContainsRegex("^\\{\n  \"score\": 3,\n  \"execution_time\": 1.5,\n"));
  EXPECT_THAT(out, ContainsRegex("\"name\": \"L2 distances, two loops\",\n +\"number\": \"1\","));
}

TEST(gradescope_report, marks_the_hidden_test_hidden) {
  const Json doc = parsed(Format::gradescope, three_tests());
  EXPECT_EQ(doc["tests"][2]["name"], "cross-validation");
  EXPECT_EQ(doc["tests"][2]["visibility"], "hidden");
  EXPECT_EQ(doc["output"], "3 tests, of which 1 hidden, worth 2 points.");
}

TEST(gradescope_report, counts_one_test_and_one_point_in_the_singular) {
  GradeReport r = three_tests();
  r.tests = {r.tests[2]};
  r.tests[0].max_score = 1;
  EXPECT_EQ(parsed(Format::gradescope, r)["output"],
            "1 test, of which 1 hidden, worth 1 point.");
  r.tests[0].visibility = Visibility::visible;
  EXPECT_EQ(parsed(Format::gradescope, r)["output"], "1 test.");
  r.tests.clear();
  EXPECT_EQ(parsed(Format::gradescope, r)["output"], "0 tests.");
}

TEST(gradescope_report, says_when_grading_failed_without_counting_the_error_as_a_test) {
  const Json doc = parsed(Format::gradescope, grader_error("reference runner missing"));
  EXPECT_EQ(doc["score"], 0);
  EXPECT_EQ(doc["output"], "Autograder error: reference runner missing\nNo test was graded.");
  ASSERT_EQ(doc["tests"].size(), 1u);
  EXPECT_EQ(doc["tests"][0]["name"], "autograder error");
  EXPECT_EQ(doc["tests"][0]["status"], "failed");
  EXPECT_EQ(doc["tests"][0]["max_score"], 0);

  GradeReport r;
  r.error = "reference runner missing";
  EXPECT_EQ(parsed(Format::gradescope, r)["tests"], Json::array());
}

TEST(gradescope_report, shows_the_build_log_when_the_code_did_not_build) {
  GradeReport r = three_tests();
  r.built = false;
  r.build_log = "knn.cpp:3:1: error: expected ';'";
  EXPECT_THAT(parsed(Format::gradescope, r)["output"].get<std::string>(),
              StartsWith("Your code did not build:\nknn.cpp:3:1: error: expected ';'\n3 tests,"));
}

TEST(gradescope_report, escapes_what_a_submission_printed) {
  GradeReport r = three_tests();
  r.tests[1].output = "\"}\xff\n\x1b[2J";
  const std::string out = write(Format::gradescope, r);
  // JSON-escaped, and the invalid byte and the escape written out as text a student can read
  EXPECT_THAT(out, HasSubstr(R"(Your code printed:\n\"}\\xff\n\\x1b[2J")"));
  EXPECT_THAT(Json::parse(out)["tests"][1]["output"].get<std::string>(),
              HasSubstr("Your code printed:\n\"}\\xff\n\\x1b[2J"));
}

TEST(gradescope_report, results_are_visible_and_stdout_hidden_by_default) {
  const Json doc = parsed(Format::gradescope, three_tests());
  EXPECT_EQ(doc["visibility"], "visible");
  EXPECT_EQ(doc["stdout_visibility"], "hidden");
}

TEST(gradescope_report, writes_the_rubrics_visibility_settings) {
  GradeReport r = three_tests();
  r.gradescope.visibility = Visibility::after_published;
  r.gradescope.stdout_visibility = Visibility::visible;
  Json doc = parsed(Format::gradescope, r);
  EXPECT_EQ(doc["visibility"], "after_published");
  EXPECT_EQ(doc["stdout_visibility"], "visible");
  EXPECT_EQ(doc["tests"][2]["visibility"], "hidden");  // a test's own setting is kept
  r.gradescope.visibility = Visibility::after_due_date;
  EXPECT_EQ(parsed(Format::gradescope, r)["visibility"], "after_due_date");
}

TEST(gradescope_report, replaces_invalid_utf8_in_a_test_name) {
  GradeReport r = three_tests();
  r.tests[0].name = "L2 \xff";
  EXPECT_EQ(parsed(Format::gradescope, r)["tests"][0]["name"], "L2 " + kReplacement);
}

TEST(json_report, includes_the_hidden_tests_count_and_points) {
  const Json doc = parsed(Format::json, three_tests());
  EXPECT_EQ(doc["hidden_tests"],
            Json({{"count", 1}, {"points", 2}, {"not_run", 0}, {"not_run_points", 0}}));
  EXPECT_EQ(doc["score"], 3);
  EXPECT_EQ(doc["max_score"], 9);
  EXPECT_TRUE(doc["error"].is_null());
  EXPECT_EQ(doc["execution_time"], 1.5);
  EXPECT_EQ(doc["assignment"], "knn");
  EXPECT_EQ(doc["title"], "k-nearest neighbours");
  EXPECT_EQ(doc["submission"], "alice.zip");
  EXPECT_EQ(doc["sandbox"], "bwrap");
  EXPECT_EQ(doc["built"], true);
  EXPECT_EQ(doc["build_log"], "");
}

TEST(json_report, writes_whole_points_as_integers_and_others_as_they_are) {
  GradeReport r = three_tests();
  r.tests[0].score = 2.5;
  r.tests[0].max_score = 2.5;
  const std::string out = write(Format::json, r);
  EXPECT_THAT(out, HasSubstr("\"score\": 2.5,"));
  EXPECT_THAT(out, HasSubstr("\"max_score\": 8.5,"));
  EXPECT_THAT(out, HasSubstr("\"max_score\": 4,"));
}

TEST(json_report, writes_each_test_with_its_verdict) {
  const Json tests = parsed(Format::json, three_tests())["tests"];
  ASSERT_EQ(tests.size(), 3u);
  EXPECT_EQ(tests[0], Json({{"number", 1},
                            {"name", "L2 distances, two loops"},
                            {"case", "knn.distances_two_loops"},
                            {"verdict", "passed"},
                            {"score", 3},
                            {"max_score", 3},
                            {"extra_credit", false},
                            {"visibility", "visible"},
                            {"seconds", 0},
                            {"ratio", nullptr},
                            {"student_cpu_s", nullptr},
                            {"reference_cpu_s", nullptr},
                            {"load_cpu_s", nullptr},
                            {"message", ""},
                            {"cause", nullptr},
                            {"hint", nullptr},
                            {"rubric_hint", nullptr},
                            {"output", ""}}));
  EXPECT_EQ(tests[2]["number"], 3);
  EXPECT_EQ(tests[2]["verdict"], "not_implemented");
  EXPECT_EQ(tests[2]["visibility"], "hidden");
}

TEST(json_report, keeps_the_fields_in_order) {
  const std::string out = write(Format::json, three_tests());
  EXPECT_THAT(out, ContainsRegex("^\\{\n  \"assignment\": \"knn\",\n  \"title\": "));
  EXPECT_LT(out.find("\"execution_time\""), out.find("\"tests\""));
}

TEST(json_report, writes_the_error_when_grading_failed) {
  GradeReport r;
  r.error = "bad \"rubric\"";
  EXPECT_THAT(write(Format::json, r), HasSubstr(R"("error": "bad \"rubric\"",)"));
  EXPECT_EQ(parsed(Format::json, r)["tests"], Json::array());
}

TEST(json_report, escapes_control_characters_and_keeps_them) {
  GradeReport r = three_tests();
  const char raw[] = "say \"hi\" C:\\path\\ a\nb\tc\rd \x01 \x1b[31m \x7f end\0!";
  const std::string bytes(raw, sizeof raw - 1);  // the NUL inside included
  r.tests[1].output = bytes;
  const std::string out = write(Format::json, r);
  EXPECT_THAT(out, HasSubstr(R"(say \"hi\" C:\\path\\ a\nb\tc\rd \u0001 \u001b[31m )"));
  EXPECT_THAT(out, HasSubstr(R"( end\u0000!")"));
  EXPECT_EQ(Json::parse(out)["tests"][1]["output"], bytes);  // the exact bytes, read back
}

TEST(json_report, keeps_valid_utf8) {
  GradeReport r = three_tests();
  r.tests[1].output = "Müller — ok \xF0\x9F\x98\x80";  // U+1F600, 4 bytes
  const std::string out = write(Format::json, r);
  EXPECT_THAT(out, HasSubstr("\"output\": \"Müller — ok \xF0\x9F\x98\x80\""));
}

TEST(json_report, replaces_invalid_utf8_anywhere_without_throwing) {
  GradeReport r = three_tests();
  r.submission = kInvalidUtf8;
  r.build_log = kInvalidUtf8;
  r.error = kInvalidUtf8;
  r.tests[1].name = kInvalidUtf8;
  r.tests[1].message = kInvalidUtf8;
  r.tests[1].output = kInvalidUtf8;
  std::string out;
  ASSERT_NO_THROW(out = write(Format::json, r));
  const Json doc = Json::parse(out);  // throws on a byte that is not UTF-8
  for (const std::string field : {"submission", "build_log", "error"}) {
    const std::string s = doc[field].get<std::string>();
    EXPECT_THAT(s, StartsWith("a" + kReplacement + "b" + kReplacement + "c" + kReplacement + "d"))
        << field;
    EXPECT_EQ(s.back(), 'g') << field;
  }
  for (const std::string field : {"name", "message", "output"}) {
    EXPECT_EQ(doc["tests"][1][field], doc["error"]) << field;
  }
  ASSERT_NO_THROW(write(Format::gradescope, r));
  EXPECT_NO_THROW(Json::parse(write(Format::gradescope, r)));
  EXPECT_NO_THROW(Json::parse(write(Format::gradescope, grader_error(kInvalidUtf8))));
}

TEST(json_report, reads_back_what_it_wrote) {
  GradeReport r = three_tests();
  r.tests[1].rubric_hint = "a tied vote goes to the smallest label";
  r.tests[1].cause = "your y_pred is wrong only where the reference broke a tie";
  r.tests[0].ratio = 1.25;
  r.tests[0].student_cpu_s = 0.5;
  r.tests[0].reference_cpu_s = 0.4;
  r.tests[0].load_cpu_s = 0.01;
  r.tests[0].seconds = 0.75;
  r.tests[2].hint = "fix 'L2 distances' first";
  r.hidden_not_run = 2;
  r.hidden_not_run_points = 5.5;
  r.build_log = "warning: unused variable";
  r.profile = {0.1, 2.5, 0.3, 0.05, 1.25, 0.5, 0.125};
  const GradeReport back = read_json_report(write(Format::json, r));
  EXPECT_EQ(back.assignment, r.assignment);
  EXPECT_EQ(back.title, r.title);
  EXPECT_EQ(back.submission, r.submission);
  EXPECT_EQ(back.sandbox, r.sandbox);
  EXPECT_EQ(back.built, r.built);
  EXPECT_EQ(back.build_log, r.build_log);
  EXPECT_EQ(back.error, r.error);
  EXPECT_EQ(back.seconds, r.seconds);
  EXPECT_EQ(back.hidden_not_run, 2);
  EXPECT_EQ(back.hidden_not_run_points, 5.5);
  EXPECT_EQ(back.profile.compile, 2.5);
  EXPECT_EQ(back.profile.other, 0.125);
  EXPECT_EQ(back.score(), r.score());
  EXPECT_EQ(back.max_score(), r.max_score());
  EXPECT_EQ(back.hidden_count(), r.hidden_count());
  ASSERT_EQ(back.tests.size(), r.tests.size());
  for (std::size_t i = 0; i < r.tests.size(); ++i) {
    const TestResult &a = r.tests[i], &b = back.tests[i];
    EXPECT_EQ(b.name, a.name);
    EXPECT_EQ(b.case_name, a.case_name);
    EXPECT_EQ(b.verdict, a.verdict);
    EXPECT_EQ(b.score, a.score);
    EXPECT_EQ(b.max_score, a.max_score);
    EXPECT_EQ(b.visibility, a.visibility);
    EXPECT_EQ(b.message, a.message);
    EXPECT_EQ(b.cause, a.cause);
    EXPECT_EQ(b.hint, a.hint);
    EXPECT_EQ(b.rubric_hint, a.rubric_hint);
    EXPECT_EQ(b.output, a.output);
    EXPECT_EQ(b.seconds, a.seconds);
    EXPECT_EQ(b.ratio, a.ratio);
    EXPECT_EQ(b.student_cpu_s, a.student_cpu_s);
    EXPECT_EQ(b.reference_cpu_s, a.reference_cpu_s);
    EXPECT_EQ(b.load_cpu_s, a.load_cpu_s);
  }
}

TEST(json_report, reads_back_a_grader_error) {
  const GradeReport back = read_json_report(write(Format::json, grader_error("no knn.cpp")));
  EXPECT_EQ(back.error, "no knn.cpp");
  ASSERT_EQ(back.tests.size(), 1u);
  EXPECT_EQ(back.tests[0].verdict, Verdict::grader_error);
}

// the message of the ReportError reading `text` throws
std::string read_error(const std::string& text) {
  try {
    read_json_report(text);
  } catch (const ReportError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ReportError for: " << text;
  return "";
}

TEST(json_report, reading_refuses_what_is_not_a_json_report) {
  EXPECT_EQ(read_error("Score: 3 / 9"),
            "not a json report: [json.exception.parse_error.101] parse error at line 1, column 1: "
            "syntax error while parsing value - invalid literal; last read: 'S'");
  Json doc = parsed(Format::json, three_tests());
  doc.erase("tests");
  EXPECT_EQ(read_error(doc.dump()),
            "not a json report: [json.exception.out_of_range.403] key 'tests' not found");
  doc = parsed(Format::json, three_tests());
  doc["tests"][0]["score"] = "3";
  EXPECT_EQ(read_error(doc.dump()),
            "not a json report: [json.exception.type_error.302] type must be number, but is "
            "string");
  doc = parsed(Format::json, three_tests());
  doc["tests"][1]["verdict"] = "wrong";
  EXPECT_EQ(read_error(doc.dump()), "unknown verdict 'wrong'");
  doc = parsed(Format::json, three_tests());
  doc["tests"][1]["visibility"] = "secret";
  EXPECT_EQ(read_error(doc.dump()), "unknown visibility 'secret'");
}

TEST(text_report, shows_the_score_and_the_hidden_tests) {
  const std::string out = write(Format::text, three_tests());
  EXPECT_THAT(out, HasSubstr("Score: 3 / 9"));
  EXPECT_THAT(out, HasSubstr("(3 tests, of which 1 hidden, worth 2 points; graded in 1.5 s)"));
  EXPECT_THAT(out, HasSubstr("knn — k-nearest neighbours"));
  EXPECT_THAT(out, HasSubstr("cross-validation  [hidden]"));
}

TEST(text_report, says_when_no_test_is_hidden) {
  GradeReport r = three_tests();
  r.tests.pop_back();
  EXPECT_THAT(write(Format::text, r), HasSubstr("Score: 3 / 7   (2 tests, none hidden;"));
}

TEST(text_report, shows_only_the_first_failure_in_full) {
  const std::string out = write(Format::text, three_tests());
  EXPECT_THAT(out,
              HasSubstr("y_pred (20): 3 of 20 differ\n       second line of the first failure"));
  EXPECT_THAT(out, HasSubstr("your code printed:\n       | debug: k = 5"));
  EXPECT_THAT(out, HasSubstr("cross_validate is not implemented yet"));
  EXPECT_THAT(out, Not(HasSubstr("second line of a later failure")));
}

TEST(text_report, uses_colours_only_when_asked) {
  EXPECT_THAT(write(Format::text, three_tests(), false), Not(HasSubstr("\033[")));
  EXPECT_THAT(write(Format::text, three_tests(), true), HasSubstr("\033[32mpassed"));
}

TEST(text_report, says_when_grading_failed) {
  GradeReport r;
  r.assignment = "knn";
  r.title = "k-nearest neighbours";
  r.error = "reference runner missing";
  const std::string out = write(Format::text, r);
  EXPECT_THAT(out, HasSubstr("autograder error: reference runner missing"));
  EXPECT_THAT(out, HasSubstr("Score: 0 / 0"));
}

// the failure of three_tests() with a hint naming a test to fix first
GradeReport with_hint() {
  GradeReport r = three_tests();
  r.tests[1].hint = "This test also runs the code tested by 'L2 distances', which did not pass";
  return r;
}

TEST(report_hint, text_prints_it_under_the_message) {
  const std::string out = write(Format::text, with_hint());
  EXPECT_THAT(out, ContainsRegex("second line of the first failure\n +This test also runs the "
                                 "code tested by 'L2 distances'"));
}

TEST(report_hint, json_has_it_as_its_own_field_and_null_without_one) {
  const std::string out = write(Format::json, with_hint());
  EXPECT_THAT(out, HasSubstr(R"("hint": "This test also runs the code tested by 'L2 distances', which did not pass")"));
  EXPECT_THAT(out, HasSubstr(R"("hint": null)"));
}

TEST(report_hint, gradescope_appends_it_to_the_tests_output) {
  const std::string out = write(Format::gradescope, with_hint());
  EXPECT_THAT(out, HasSubstr(R"(second line of the first failure\nThis test also runs the code)"));
}

// the failure of three_tests() with the rubric's hint for it and a recognised cause
GradeReport with_rubric_hint() {
  GradeReport r = three_tests();
  r.tests[1].rubric_hint = "a tied vote goes to the smallest label";
  r.tests[1].cause = "your y_pred is wrong only where the reference broke a tie";
  return r;
}

TEST(report_rubric_hint, text_prints_it_under_the_message) {
  EXPECT_THAT(write(Format::text, with_rubric_hint()),
              ContainsRegex("second line of the first failure\n +hint: a tied vote goes to the "
                            "smallest label\n"));
  EXPECT_THAT(write(Format::text, three_tests()), Not(HasSubstr("hint:")));
}

TEST(report_rubric_hint, json_has_it_and_the_cause_as_fields_of_their_own) {
  const std::string out = write(Format::json, with_rubric_hint());
  EXPECT_THAT(out, HasSubstr(R"("rubric_hint": "a tied vote goes to the smallest label")"));
  EXPECT_THAT(out,
              HasSubstr(R"("cause": "your y_pred is wrong only where the reference broke a tie")"));
  EXPECT_THAT(out, HasSubstr(R"("rubric_hint": null)"));
  EXPECT_THAT(out, HasSubstr(R"("cause": null)"));
}

TEST(report_rubric_hint, gradescope_appends_it_to_the_tests_output) {
  EXPECT_THAT(write(Format::gradescope, with_rubric_hint()),
              HasSubstr(R"(second line of the first failure\nHint: a tied vote goes to the )"
                        R"(smallest label)"));
}

// three_tests() and a passed extra-credit test worth 2 and a failed one worth 1
GradeReport with_extra_credit() {
  GradeReport r = three_tests();
  TestResult bonus;
  bonus.name = "fast conv, speed";
  bonus.case_name = "conv.conv_fast";
  bonus.verdict = Verdict::passed;
  bonus.score = 2;
  bonus.max_score = 2;
  bonus.extra_credit = true;
  r.tests.push_back(bonus);
  bonus.name = "fast max pool";
  bonus.verdict = Verdict::failed;
  bonus.score = 0;
  bonus.max_score = 1;
  r.tests.push_back(bonus);
  return r;
}

TEST(extra_credit, counts_in_the_score_but_not_in_the_maximum) {
  const GradeReport r = with_extra_credit();
  EXPECT_EQ(r.score(), 5);
  EXPECT_EQ(r.max_score(), 9);
  EXPECT_EQ(r.extra_credit_points(), 3);
}

TEST(extra_credit, text_marks_the_tests_and_says_what_was_earned_on_top) {
  const std::string out = write(Format::text, with_extra_credit());
  EXPECT_THAT(out, HasSubstr("fast conv, speed  [extra credit]"));
  EXPECT_THAT(out, HasSubstr("Score: 5 / 9"));
  EXPECT_THAT(out, HasSubstr("; 2 of 3 extra-credit points, on top of the 9;"));
  EXPECT_THAT(write(Format::text, three_tests()), Not(HasSubstr("extra")));
}

TEST(extra_credit, json_flags_each_test_and_reads_it_back) {
  const Json doc = parsed(Format::json, with_extra_credit());
  EXPECT_EQ(doc["max_score"], 9);
  EXPECT_EQ(doc["extra_credit_points"], 3);
  EXPECT_EQ(doc["tests"][3]["extra_credit"], true);
  EXPECT_EQ(doc["tests"][0]["extra_credit"], false);
  const GradeReport back = read_json_report(write(Format::json, with_extra_credit()));
  EXPECT_TRUE(back.tests[3].extra_credit);
  EXPECT_EQ(back.max_score(), 9);
}

// Gradescope adds the tests' max_score up for the total: an extra-credit test offers 0 there and
// its score comes on top
TEST(extra_credit, gradescope_offers_no_points_for_it_and_adds_what_was_earned) {
  const Json doc = parsed(Format::gradescope, with_extra_credit());
  EXPECT_EQ(doc["score"], 5);
  double max = 0;
  for (const auto& t : doc["tests"]) max += t["max_score"].get<double>();
  EXPECT_EQ(max, 9);
  EXPECT_EQ(doc["tests"][3]["name"], "fast conv, speed (extra credit)");
  EXPECT_EQ(doc["tests"][3]["score"], 2);
  EXPECT_EQ(doc["tests"][3]["max_score"], 0);
}

}  // namespace
}  // namespace pg::grader
