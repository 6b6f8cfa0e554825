// Tests of the report writers on a GradeReport built here, and of json_string on hostile bytes.
// Not what grading puts in a report (grade.cpp); outputs are checked by substrings, never parsed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "report.hpp"

namespace pg::grader {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

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

TEST(json_string, quotes_plain_text) {
  EXPECT_EQ(json_string("knn"), "\"knn\"");
  EXPECT_EQ(json_string(""), "\"\"");
}

TEST(json_string, escapes_quotes_and_backslashes) {
  EXPECT_EQ(json_string("say \"hi\""), R"("say \"hi\"")");
  EXPECT_EQ(json_string("C:\\path\\"), R"("C:\\path\\")");
}

TEST(json_string, escapes_newlines_tabs_and_carriage_returns) {
  EXPECT_EQ(json_string("a\nb\tc\rd"), R"("a\nb\tc\rd")");
}

TEST(json_string, escapes_control_characters_as_unicode) {
  EXPECT_EQ(json_string("\x01"), R"("\u0001")");
  EXPECT_EQ(json_string(std::string("a\0b", 3)), R"("a\u0000b")");
  EXPECT_EQ(json_string("\x1b[31m"), R"("\u001b[31m")");
  EXPECT_EQ(json_string("\x7f"), R"("\u007f")");
}

TEST(json_string, keeps_valid_utf8) {
  EXPECT_EQ(json_string("Müller — ok"), "\"Müller — ok\"");
  EXPECT_EQ(json_string("\xF0\x9F\x98\x80"), "\"\xF0\x9F\x98\x80\"");  // U+1F600, 4 bytes
}

TEST(json_string, replaces_an_invalid_byte) {
  EXPECT_EQ(json_string("a\xff"
                        "b"),
            R"("a\ufffdb")");
}

TEST(json_string, replaces_a_lone_continuation_byte) {
  EXPECT_EQ(json_string("a\x80"
                        "b"),
            R"("a\ufffdb")");
}

TEST(json_string, replaces_a_truncated_three_byte_sequence) {
  // "—" is E2 80 94: without its last byte, each of the two bytes left is replaced
  EXPECT_EQ(json_string("a\xE2\x80"
                        "b"),
            R"("a\ufffd\ufffdb")");
  EXPECT_EQ(json_string("end\xE2\x80"), R"("end\ufffd\ufffd")");
}

TEST(json_string, replaces_overlong_surrogate_and_out_of_range_sequences) {
  EXPECT_EQ(json_string("\xC0\xAF"), R"("\ufffd\ufffd")");
  EXPECT_EQ(json_string("\xE0\x80\xAF"), R"("\ufffd\ufffd\ufffd")");
  EXPECT_EQ(json_string("\xED\xA0\x80"), R"("\ufffd\ufffd\ufffd")");
  EXPECT_EQ(json_string("\xF4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");
  EXPECT_EQ(json_string("\xF5\x80\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");
}

TEST(report_totals, sum_scores_and_count_hidden_tests) {
  GradeReport r = three_tests();
  EXPECT_EQ(r.score(), 3);
  EXPECT_EQ(r.max_score(), 9);
  EXPECT_EQ(r.hidden_count(), 1);
  EXPECT_EQ(r.hidden_points(), 2);
}

TEST(report_formats, parse_format_knows_the_three_names) {
  EXPECT_EQ(parse_format("text"), Format::text);
  EXPECT_EQ(parse_format("json"), Format::json);
  EXPECT_EQ(parse_format("gradescope"), Format::gradescope);
  EXPECT_EQ(parse_format("xml"), std::nullopt);
  EXPECT_STREQ(format_names(), "text, json, gradescope");
}

TEST(gradescope_report, writes_the_score_and_execution_time_as_numbers) {
  const std::string out = write(Format::gradescope, three_tests());
  EXPECT_THAT(out, HasSubstr("\"score\": 3,"));
  EXPECT_THAT(out, HasSubstr("\"execution_time\": 1.5,"));
  EXPECT_THAT(out, ContainsRegex("\"execution_time\": [0-9]"));
  EXPECT_THAT(out, HasSubstr("\"tests\": ["));
}

TEST(gradescope_report, writes_one_entry_per_test) {
  const std::string out = write(Format::gradescope, three_tests());
  EXPECT_THAT(out, HasSubstr("{\"name\": \"L2 distances, two loops\", \"number\": \"1\", "
                             "\"score\": 3, \"max_score\": 3, \"status\": \"passed\", "
                             "\"output\": \"passed\", \"output_format\": \"text\", "
                             "\"visibility\": \"visible\"}"));
  EXPECT_THAT(out, HasSubstr("{\"name\": \"predict labels, k = 5\", \"number\": \"2\", "
                             "\"score\": 0, \"max_score\": 4, \"status\": \"failed\", "
                             "\"output\": \"failed: y_pred (20): 3 of 20 differ\\nsecond line of "
                             "the first failure\\n\\nYour code printed:\\ndebug: k = 5\\n\""));
  EXPECT_THAT(out, HasSubstr("{\"name\": \"cross-validation\", \"number\": \"3\", \"score\": 0, "
                             "\"max_score\": 2, \"status\": \"failed\", \"output\": "
                             "\"not_implemented: cross_validate is not implemented yet"));
}

TEST(gradescope_report, marks_the_hidden_test_hidden) {
  const std::string out = write(Format::gradescope, three_tests());
  EXPECT_THAT(out, ContainsRegex("\"name\": \"cross-validation\"[^}]*\"visibility\": \"hidden\""));
  EXPECT_THAT(out, HasSubstr("\"output\": \"3 tests, of which 1 hidden, worth 2 points.\""));
}

TEST(gradescope_report, says_when_grading_failed) {
  GradeReport r;
  r.assignment = "knn";
  r.error = "reference runner missing";
  const std::string out = write(Format::gradescope, r);
  EXPECT_THAT(out, HasSubstr("\"score\": 0,"));
  EXPECT_THAT(out, HasSubstr("Autograder error: reference runner missing"));
  EXPECT_THAT(out, HasSubstr("\"tests\": [\n  ]"));
}

TEST(gradescope_report, escapes_what_a_submission_printed) {
  GradeReport r = three_tests();
  r.tests[1].output = "\"}\xff\n";
  const std::string out = write(Format::gradescope, r);
  // JSON-escaped, and the invalid byte written out as text a student can read
  EXPECT_THAT(out, HasSubstr(R"(Your code printed:\n\"}\\xff\n")"));
}

TEST(json_report, includes_the_hidden_tests_count_and_points) {
  const std::string out = write(Format::json, three_tests());
  EXPECT_THAT(out, HasSubstr("\"hidden_tests\": {\"count\": 1, \"points\": 2, \"not_run\": 0, "
                             "\"not_run_points\": 0}"));
  EXPECT_THAT(out, HasSubstr("\"score\": 3,"));
  EXPECT_THAT(out, HasSubstr("\"max_score\": 9,"));
  EXPECT_THAT(out, HasSubstr("\"error\": null,"));
  EXPECT_THAT(out, HasSubstr("\"execution_time\": 1.5,"));
}

TEST(json_report, writes_each_test_with_its_verdict) {
  const std::string out = write(Format::json, three_tests());
  EXPECT_THAT(out, HasSubstr("{\"number\": 1, \"name\": \"L2 distances, two loops\", \"case\": "
                             "\"knn.distances_two_loops\", \"verdict\": \"passed\", \"score\": 3, "
                             "\"max_score\": 3, \"visibility\": \"visible\""));
  EXPECT_THAT(out, HasSubstr("{\"number\": 3, \"name\": \"cross-validation\", \"case\": "
                             "\"knn.cross_validate\", \"verdict\": \"not_implemented\""));
  EXPECT_THAT(out, HasSubstr("\"visibility\": \"hidden\""));
  EXPECT_THAT(out, HasSubstr("\"ratio\": null"));
}

TEST(json_report, writes_the_error_when_grading_failed) {
  GradeReport r;
  r.error = "bad \"rubric\"";
  EXPECT_THAT(write(Format::json, r), HasSubstr(R"("error": "bad \"rubric\"",)"));
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

}  // namespace
}  // namespace pg::grader
