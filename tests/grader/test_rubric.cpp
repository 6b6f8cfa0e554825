// Tests of the rubric loader on YAML written here: defaults filled in, and every kind of mistake
// refused with "path:line:column: what". Not the shipped rubrics (the grader's selftest runs them).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "cases.hpp"
#include "rubric.hpp"

namespace pg::grader {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// lines 1 to 5 of every rubric here; tests start on line 6
const std::string kHead =
    "assignment: knn\n"
    "title: k-nearest neighbours\n"
    "submission:\n"
    "  files: [knn.cpp]\n"
    "tests:\n";

// a test that is valid on its own, at lines 6 to 8
const std::string kFirstTest =
    "  - name: first\n"
    "    case: knn.distances_two_loops\n"
    "    points: 4\n";

Rubric parse(const std::string& yaml) { return parse_rubric(yaml, "rubric.yaml", all_cases()); }

// the message of the RubricError parsing `yaml` throws, "" (and a failure) if it throws none
std::string error_of(const std::string& yaml) {
  try {
    parse(yaml);
  } catch (const RubricError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no RubricError for:\n" << yaml;
  return "";
}

TEST(rubric_loader, accepts_a_valid_rubric) {
  Rubric r = parse(
      "assignment: knn\n"
      "title: k-nearest neighbours\n"
      "submission:\n"
      "  files: [knn.cpp]\n"
      "limits: {wall_s: 20, memory_mb: 512}\n"
      "build: {wall_s: 120}\n"
      "tests:\n"
      "  - name: L2 distances, two loops\n"
      "    case: knn.distances_two_loops\n"
      "    args: {num_train: 10, data: pixels}\n"
      "    seed: 7\n"
      "    points: 4\n"
      "    compare: {rtol: 1e-6, atol: 0}\n"
      "  - name: cross-validation\n"
      "    case: knn.cross_validate\n"
      "    args: {ks: [1, 7], metric: l1}\n"
      "    points: 2.5\n"
      "    limits: {wall_s: 5, output_kb: 8}\n"
      "    timing: {max_ratio_to_reference: 2, repeats: 5}\n"
      "    visibility: hidden\n");
  EXPECT_EQ(r.path, "rubric.yaml");
  EXPECT_EQ(r.assignment, "knn");
  EXPECT_EQ(r.title, "k-nearest neighbours");
  EXPECT_EQ(r.files, std::vector<std::string>{"knn.cpp"});
  ASSERT_EQ(r.tests.size(), 2u);

  const TestSpec& a = r.tests[0];
  EXPECT_EQ(a.name, "L2 distances, two loops");
  EXPECT_EQ(a.case_name, "knn.distances_two_loops");
  EXPECT_EQ(a.line, 8);
  EXPECT_EQ(a.seed, 7u);
  EXPECT_EQ(a.points, 4);
  EXPECT_EQ(a.compare.rtol, 1e-6);
  EXPECT_EQ(a.compare.atol, 0);
  EXPECT_FALSE(a.timing.has_value());

  const TestSpec& b = r.tests[1];
  EXPECT_EQ(b.line, 14);
  EXPECT_EQ(b.points, 2.5);
  EXPECT_EQ(b.seed, 0u);
  EXPECT_EQ(arg_ints(b.args, "ks"), (std::vector<std::int64_t>{1, 7}));
  EXPECT_EQ(arg_text(b.args, "metric"), "l1");
  ASSERT_TRUE(b.timing.has_value());
  EXPECT_EQ(b.timing->max_ratio_to_reference, 2);
  EXPECT_EQ(b.timing->repeats, 5);
  EXPECT_EQ(b.visibility, Visibility::hidden);
  EXPECT_EQ(r.total_points(), 6.5);
}

TEST(rubric_loader, fills_in_case_argument_defaults) {
  Rubric r = parse(kHead +
                   "  - name: first\n"
                   "    case: knn.distances_two_loops\n"
                   "    args: {num_train: 10}\n"
                   "    points: 4\n"
                   "  - name: vote\n"
                   "    case: knn.predict_labels\n"
                   "    points: 1\n");
  const Args& a = r.tests[0].args;
  EXPECT_EQ(a.size(), 6u);
  EXPECT_EQ(arg_int(a, "num_train"), 10);
  EXPECT_EQ(arg_int(a, "num_test"), 15);
  EXPECT_EQ(arg_int(a, "dim"), 30);
  EXPECT_EQ(arg_text(a, "data"), "random");
  EXPECT_EQ(arg_int(a, "duplicates"), 0);
  EXPECT_EQ(arg_int(a, "test_copies"), 0);
  const Args& b = r.tests[1].args;
  EXPECT_EQ(arg_int(b, "k"), 3);
  EXPECT_EQ(arg_int(b, "num_classes"), 4);
  EXPECT_FALSE(arg_bool(b, "ties"));
  EXPECT_FALSE(arg_bool(b, "near_ties"));
}

TEST(rubric_loader, tests_inherit_the_rubric_limits) {
  Rubric r = parse(
      "assignment: knn\n"
      "submission: {files: [knn.cpp]}\n"
      "limits: {wall_s: 20, memory_mb: 512}\n"
      "tests:\n"
      "  - {name: plain, case: knn.distances_l1, points: 1}\n"
      "  - {name: own wall, case: knn.distances_l1, points: 1, limits: {wall_s: 5}}\n");
  EXPECT_EQ(r.limits.wall_s, 20);
  EXPECT_EQ(r.limits.memory_mb, 512);
  EXPECT_EQ(r.limits.output_kb, Limits{}.output_kb);
  EXPECT_EQ(r.tests[0].limits.wall_s, 20);
  EXPECT_EQ(r.tests[0].limits.memory_mb, 512);
  // a test's own limit replaces that one limit only
  EXPECT_EQ(r.tests[1].limits.wall_s, 5);
  EXPECT_EQ(r.tests[1].limits.memory_mb, 512);
}

TEST(rubric_loader, fills_in_the_other_defaults) {
  Rubric r = parse("assignment: knn\nsubmission: {files: [knn.cpp]}\ntests:\n" + kFirstTest);
  EXPECT_EQ(r.title, "knn");
  const TestSpec& t = r.tests[0];
  EXPECT_EQ(t.visibility, Visibility::visible);
  EXPECT_EQ(t.seed, 0u);
  EXPECT_EQ(t.compare.rtol, CompareSpec{}.rtol);
  EXPECT_EQ(t.compare.atol, CompareSpec{}.atol);
  EXPECT_FALSE(t.timing.has_value());
  EXPECT_EQ(t.limits.wall_s, Limits{}.wall_s);
  EXPECT_EQ(t.limits.memory_mb, Limits{}.memory_mb);
  EXPECT_EQ(r.build.wall_s, 60);
  EXPECT_EQ(r.build.memory_mb, 2048);
  EXPECT_EQ(r.total_points(), 4);
}

TEST(rubric_loader, total_points_is_the_sum_of_the_tests) {
  Rubric r = parse(kHead + kFirstTest +
                   "  - {name: second, case: knn.distances_l1, points: 1.5}\n"
                   "  - {name: third, case: knn.predict_labels, points: 10}\n");
  EXPECT_EQ(r.total_points(), 15.5);
}

TEST(rubric_loader, reads_every_visibility) {
  Rubric r =
      parse(kHead +
            "  - {name: a, case: knn.distances_l1, points: 1, visibility: visible}\n"
            "  - {name: b, case: knn.distances_l1, points: 1, visibility: hidden}\n"
            "  - {name: c, case: knn.distances_l1, points: 1, visibility: after_due_date}\n"
            "  - {name: d, case: knn.distances_l1, points: 1, visibility: after_published}\n");
  EXPECT_EQ(r.tests[0].visibility, Visibility::visible);
  EXPECT_EQ(r.tests[1].visibility, Visibility::hidden);
  EXPECT_EQ(r.tests[2].visibility, Visibility::after_due_date);
  EXPECT_EQ(r.tests[3].visibility, Visibility::after_published);
  EXPECT_STREQ(to_string(Visibility::after_due_date), "after_due_date");
}

TEST(rubric_loader, rejects_an_unknown_top_level_key) {
  EXPECT_EQ(error_of(kHead + kFirstTest + "points: 10\n"),
            "rubric.yaml:9:1: unknown key 'points' in the rubric; expected one of: assignment, "
            "build, gradescope, hidden, limits, submission, tests, title");
}

// what `pixelgrad release` writes into a public rubric: the hidden tests it left out
TEST(rubric_loader, reads_how_many_hidden_tests_a_public_rubric_left_out) {
  const Rubric r = parse(kHead + kFirstTest + "hidden: {tests: 3, points: 7.5}\n");
  EXPECT_EQ(r.hidden_tests, 3);
  EXPECT_DOUBLE_EQ(r.hidden_points, 7.5);
  EXPECT_EQ(error_of(kHead + kFirstTest + "hidden: {tests: 3}\n"),
            "rubric.yaml:9:9: hidden needs 'points'");
  EXPECT_EQ(error_of(kHead + kFirstTest + "hidden: {tests: -1, points: 2}\n"),
            "rubric.yaml:9:9: hidden.tests and hidden.points cannot be negative");
}

TEST(rubric_loader, rejects_an_unknown_test_key) {
  EXPECT_EQ(error_of(kHead + "  - name: first\n"
                             "    case: knn.distances_two_loops\n"
                             "    pionts: 4\n"),
            "rubric.yaml:8:5: unknown key 'pionts' in a test; expected one of: args, builds_on, case, "
            "compare, extra_credit, gradcheck, hint, limits, name, points, seed, threshold, timing, visibility");
}

TEST(rubric_loader, rejects_a_duplicate_key_inside_a_test) {
  EXPECT_EQ(error_of(kHead + "  - name: first\n"
                             "    case: knn.distances_two_loops\n"
                             "    points: 4\n"
                             "    points: 40\n"),
            "rubric.yaml:9:5: duplicate key 'points' in a test");
}

TEST(rubric_loader, rejects_a_duplicate_top_level_key) {
  EXPECT_EQ(error_of(kHead + kFirstTest + "assignment: linear\n"),
            "rubric.yaml:9:1: duplicate key 'assignment' in the rubric");
}

TEST(rubric_loader, rejects_a_duplicate_test_name) {
  EXPECT_EQ(error_of(kHead + kFirstTest +
                     "  - name: first\n"
                     "    case: knn.distances_l1\n"
                     "    points: 1\n"),
            "rubric.yaml:9:11: duplicate test name 'first'");
}

TEST(rubric_loader, rejects_an_unknown_case_and_lists_the_assignments_cases) {
  EXPECT_EQ(error_of(kHead + "  - name: first\n"
                             "    case: knn.distances_three_loops\n"
                             "    points: 4\n"),
            "rubric.yaml:7:11: unknown case 'knn.distances_three_loops' in test 'first'; the "
            "cases of knn are: knn.cross_validate, knn.distances_l1, knn.distances_no_loops, "
            "knn.distances_one_loop, knn.distances_two_loops, knn.predict_labels");
}

TEST(rubric_loader, rejects_an_unknown_case_argument) {
  EXPECT_EQ(error_of(kHead + "  - name: first\n"
                             "    case: knn.distances_two_loops\n"
                             "    args: {num_trian: 10}\n"
                             "    points: 4\n"),
            "rubric.yaml:8:12: unknown key 'num_trian' in args of test 'first' (case "
            "knn.distances_two_loops); expected one of: data, dim, duplicates, num_test, "
            "num_train, test_copies");
}

TEST(rubric_loader, rejects_text_where_a_whole_number_is_expected) {
  EXPECT_EQ(error_of(kHead + "  - name: first\n"
                             "    case: knn.distances_two_loops\n"
                             "    args: {num_train: forty}\n"
                             "    points: 4\n"),
            "rubric.yaml:8:23: test 'first' args.num_train must be a whole number, found 'forty'");
}

TEST(rubric_loader, rejects_a_fraction_where_a_whole_number_is_expected) {
  EXPECT_EQ(error_of(kHead + "  - name: first\n"
                             "    case: knn.distances_two_loops\n"
                             "    args: {dim: 2.5}\n"
                             "    points: 4\n"),
            "rubric.yaml:8:17: test 'first' args.dim must be a whole number, found '2.5'");
}

TEST(rubric_loader, rejects_a_list_item_that_is_not_a_whole_number) {
  EXPECT_EQ(error_of(kHead + "  - name: cv\n"
                             "    case: knn.cross_validate\n"
                             "    args: {ks: [1, three, 5]}\n"
                             "    points: 4\n"),
            "rubric.yaml:8:20: test 'cv' args.ks item must be a whole number, found 'three'");
}

TEST(rubric_loader, rejects_a_single_value_where_a_list_is_expected) {
  EXPECT_EQ(error_of(kHead + "  - name: cv\n"
                             "    case: knn.cross_validate\n"
                             "    args: {ks: 3}\n"
                             "    points: 4\n"),
            "rubric.yaml:8:16: test 'cv' args.ks must be a list of whole numbers");
}

TEST(rubric_loader, rejects_a_bad_true_or_false_argument) {
  EXPECT_EQ(error_of(kHead + "  - name: vote\n"
                             "    case: knn.predict_labels\n"
                             "    args: {ties: maybe}\n"
                             "    points: 4\n"),
            "rubric.yaml:8:18: test 'vote' args.ties must be true or false, found 'maybe'");
}

TEST(rubric_loader, rejects_zero_points) {
  EXPECT_EQ(error_of(kHead + "  - name: first\n"
                             "    case: knn.distances_two_loops\n"
                             "    points: 0\n"),
            "rubric.yaml:8:13: test 'first' points must be positive, found 0");
}

TEST(rubric_loader, rejects_negative_points) {
  EXPECT_EQ(error_of(kHead + "  - name: first\n"
                             "    case: knn.distances_two_loops\n"
                             "    points: -2\n"),
            "rubric.yaml:8:13: test 'first' points must be positive, found -2");
}

TEST(rubric_loader, rejects_points_that_are_not_a_number) {
  EXPECT_EQ(error_of(kHead + "  - name: first\n"
                             "    case: knn.distances_two_loops\n"
                             "    points: four\n"),
            "rubric.yaml:8:13: test 'first' points must be a number, found 'four'");
}

TEST(rubric_loader, rejects_a_test_without_points) {
  EXPECT_EQ(error_of(kHead + "  - name: first\n"
                             "    case: knn.distances_two_loops\n"),
            "rubric.yaml:6:5: test 'first' needs points");
}

TEST(rubric_loader, rejects_a_non_positive_limit) {
  EXPECT_EQ(error_of(kHead + kFirstTest + "limits: {wall_s: 0}\n"),
            "rubric.yaml:9:18: limits.wall_s must be positive, found 0");
}

TEST(rubric_loader, rejects_a_non_positive_limit_in_a_test) {
  EXPECT_EQ(error_of(kHead + "  - name: first\n"
                             "    case: knn.distances_two_loops\n"
                             "    points: 4\n"
                             "    limits: {memory_mb: -1}\n"),
            "rubric.yaml:9:25: test 'first' limits.memory_mb must be at least 1, found -1");
}

TEST(rubric_loader, rejects_an_unknown_limit) {
  EXPECT_EQ(error_of(kHead + kFirstTest + "limits: {wall: 10}\n"),
            "rubric.yaml:9:10: unknown key 'wall' in limits; expected one of: cpu_s, file_mb, "
            "max_procs, memory_mb, output_kb, wall_s");
}

TEST(rubric_loader, rejects_a_bad_visibility) {
  EXPECT_EQ(error_of(kHead + "  - name: first\n"
                             "    case: knn.distances_two_loops\n"
                             "    points: 4\n"
                             "    visibility: secret\n"),
            "rubric.yaml:9:17: test 'first' visibility must be visible, hidden, after_due_date or "
            "after_published, found 'secret'");
}

TEST(rubric_loader, results_are_visible_and_stdout_hidden_on_gradescope_by_default) {
  Rubric r = parse(kHead + kFirstTest);
  EXPECT_EQ(r.gradescope.visibility, Visibility::visible);
  EXPECT_EQ(r.gradescope.stdout_visibility, Visibility::hidden);
}

TEST(rubric_loader, reads_the_gradescope_visibility_settings) {
  Rubric r = parse(kHead + kFirstTest +
                   "gradescope: {visibility: after_published, stdout_visibility: visible}\n");
  EXPECT_EQ(r.gradescope.visibility, Visibility::after_published);
  EXPECT_EQ(r.gradescope.stdout_visibility, Visibility::visible);
  r = parse(kHead + kFirstTest + "gradescope:\n  visibility: after_due_date\n");
  EXPECT_EQ(r.gradescope.visibility, Visibility::after_due_date);
  EXPECT_EQ(r.gradescope.stdout_visibility, Visibility::hidden);
  r = parse(kHead + kFirstTest + "gradescope: {visibility: hidden}\n");
  EXPECT_EQ(r.gradescope.visibility, Visibility::hidden);
}

TEST(rubric_loader, rejects_a_gradescope_visibility_listing_the_allowed_values) {
  EXPECT_EQ(error_of(kHead + kFirstTest + "gradescope: {visibility: after_grading}\n"),
            "rubric.yaml:9:26: gradescope.visibility must be one of hidden, after_due_date, "
            "after_published, visible; found 'after_grading'");
  EXPECT_EQ(error_of(kHead + kFirstTest + "gradescope:\n  stdout_visibility: Visible\n"),
            "rubric.yaml:10:22: gradescope.stdout_visibility must be one of hidden, "
            "after_due_date, after_published, visible; found 'Visible'");
  EXPECT_EQ(error_of(kHead + kFirstTest + "gradescope: {visibility: [hidden]}\n"),
            "rubric.yaml:9:26: gradescope.visibility must be text");
}

TEST(rubric_loader, rejects_an_unknown_or_duplicate_gradescope_key) {
  EXPECT_EQ(error_of(kHead + kFirstTest + "gradescope: {visible: true}\n"),
            "rubric.yaml:9:14: unknown key 'visible' in gradescope; expected one of: "
            "stdout_visibility, visibility");
  EXPECT_EQ(error_of(kHead + kFirstTest +
                     "gradescope:\n  visibility: hidden\n  visibility: visible\n"),
            "rubric.yaml:11:3: duplicate key 'visibility' in gradescope");
  EXPECT_EQ(error_of(kHead + kFirstTest + "gradescope: hidden\n"),
            "rubric.yaml:9:13: gradescope must be a mapping (key: value lines)");
}

TEST(rubric_loader, parse_visibility_knows_gradescopes_four_names) {
  EXPECT_EQ(parse_visibility("hidden"), Visibility::hidden);
  EXPECT_EQ(parse_visibility("after_due_date"), Visibility::after_due_date);
  EXPECT_EQ(parse_visibility("after_published"), Visibility::after_published);
  EXPECT_EQ(parse_visibility("visible"), Visibility::visible);
  EXPECT_EQ(parse_visibility("public"), std::nullopt);
  EXPECT_EQ(parse_visibility(""), std::nullopt);
}

TEST(rubric_loader, rejects_a_negative_tolerance) {
  EXPECT_EQ(error_of(kHead + "  - name: first\n"
                             "    case: knn.distances_two_loops\n"
                             "    points: 4\n"
                             "    compare: {rtol: -1e-9}\n"),
            "rubric.yaml:9:14: test 'first' tolerances must be finite numbers >= 0");
}

TEST(rubric_loader, rejects_missing_submission_files) {
  EXPECT_EQ(error_of("assignment: knn\n"
                     "submission: {}\n"
                     "tests:\n" +
                     kFirstTest),
            "rubric.yaml:2:13: submission.files must list at least one file");
  EXPECT_EQ(error_of("assignment: knn\n"
                     "submission:\n"
                     "  files: []\n"
                     "tests:\n" +
                     kFirstTest),
            "rubric.yaml:3:3: submission.files must list at least one file");
}

TEST(rubric_loader, rejects_a_rubric_without_submission) {
  EXPECT_EQ(error_of("assignment: knn\n"
                     "tests:\n" +
                     kFirstTest),
            "rubric.yaml:1:1: the rubric needs 'submission'");
}

TEST(rubric_loader, rejects_a_submission_file_in_a_folder_that_is_not_an_assignment) {
  EXPECT_EQ(error_of("assignment: knn\n"
                     "submission:\n"
                     "  files: [knn.cpp, src/util.cpp]\n"
                     "tests:\n" +
                     kFirstTest),
            "rubric.yaml:3:20: submission file 'src/util.cpp' names a folder that is not an "
            "assignment (the assignments are backprop, conv, knn, linear, saliency)");
}

TEST(rubric_loader, rejects_a_submission_file_two_folders_deep) {
  EXPECT_EQ(error_of("assignment: conv\n"
                     "submission:\n"
                     "  files: [conv.cpp, backprop/src/layers.cpp]\n"
                     "tests:\n"
                     "  - {name: first, case: conv.kernels, points: 1}\n"),
            "rubric.yaml:3:21: submission file 'backprop/src/layers.cpp' must be a file name "
            "('layers.cpp'), or an assignment's folder and a file name ('backprop/layers.cpp')");
}

TEST(rubric_loader, rejects_a_hidden_submission_file) {
  EXPECT_EQ(error_of("assignment: knn\n"
                     "submission:\n"
                     "  files: [..]\n"
                     "tests:\n" +
                     kFirstTest),
            "rubric.yaml:3:11: submission file '..' must be a file name ('layers.cpp'), or an "
            "assignment's folder and a file name ('backprop/layers.cpp')");
}

TEST(rubric_loader, reads_an_earlier_assignments_file_and_its_owner) {
  Rubric r = parse("assignment: conv\n"
                   "submission: {files: [conv.cpp, backprop/layers.cpp]}\n"
                   "tests:\n"
                   "  - {name: first, case: conv.kernels, points: 1}\n");
  EXPECT_EQ(r.files, (std::vector<std::string>{"conv.cpp", "backprop/layers.cpp"}));
  EXPECT_EQ(submission_file_name(r.files[1]), "layers.cpp");
  EXPECT_EQ(submission_file_assignment(r.files[1], "conv"), "backprop");
  EXPECT_EQ(submission_file_assignment(r.files[0], "conv"), "conv");
  EXPECT_EQ(shown_submission_file("assignments/conv/", r.files[1]),
            "assignments/backprop/layers.cpp");
  EXPECT_EQ(shown_submission_file("assignments/conv/", r.files[0]), "assignments/conv/conv.cpp");
  EXPECT_EQ(shown_submission_file("", r.files[1]), "layers.cpp");
}

TEST(rubric_loader, rejects_two_submission_files_with_the_same_name) {
  EXPECT_EQ(error_of("assignment: conv\n"
                     "submission:\n"
                     "  files: [layers.cpp, backprop/layers.cpp]\n"
                     "tests:\n"
                     "  - {name: first, case: conv.kernels, points: 1}\n"),
            "rubric.yaml:3:23: submission files 'layers.cpp' and 'backprop/layers.cpp' have the "
            "same name: a submission is one folder, so every file needs a name of its own");
}

TEST(rubric_loader, rejects_the_assignments_own_folder_in_a_submission_file) {
  EXPECT_EQ(error_of("assignment: conv\n"
                     "submission:\n"
                     "  files: [conv/conv.cpp]\n"
                     "tests:\n"
                     "  - {name: first, case: conv.kernels, points: 1}\n"),
            "rubric.yaml:3:11: submission file 'conv/conv.cpp' is this assignment's own: name it "
            "'conv.cpp'");
}

TEST(rubric_loader, reads_extra_credit_and_leaves_it_out_of_the_total) {
  Rubric r = parse(kHead + kFirstTest +
                   "  - {name: second, case: knn.distances_l1, points: 2, extra_credit: true}\n");
  EXPECT_FALSE(r.tests[0].extra_credit);
  EXPECT_TRUE(r.tests[1].extra_credit);
  EXPECT_EQ(r.total_points(), 4);
}

TEST(rubric_loader, rejects_extra_credit_that_is_not_true_or_false) {
  EXPECT_THAT(error_of(kHead + kFirstTest +
                       "  - {name: second, case: knn.distances_l1, points: 2, extra_credit: 3}\n"),
              HasSubstr("extra_credit"));
}

TEST(rubric_loader, rejects_a_case_of_another_assignment) {
  EXPECT_EQ(error_of("assignment: linear\n"
                     "submission:\n"
                     "  files: [linear.cpp]\n"
                     "tests:\n"
                     "  - name: first\n"
                     "    case: knn.distances_two_loops\n"
                     "    points: 4\n"),
            "rubric.yaml:6:11: case 'knn.distances_two_loops' belongs to another assignment than "
            "'linear'");
}

TEST(rubric_loader, rejects_invalid_yaml_syntax) {
  const std::string message = error_of(kHead +
                                       "  - name: first\n"
                                       "    case: [knn.distances_two_loops\n"
                                       "    points: 4\n");
  EXPECT_THAT(message, StartsWith("rubric.yaml:"));
  EXPECT_THAT(message, HasSubstr(": not valid YAML: "));
}

TEST(rubric_loader, rejects_a_bad_indentation_with_its_line) {
  EXPECT_THAT(error_of("assignment: knn\n"
                       "submission:\n"
                       "  files: [knn.cpp]\n"
                       " tests:\n"),
              StartsWith("rubric.yaml:4:"));
}

// yaml-cpp words a tab in the indentation in several ways ("end of map not found", "illegal map
// value", "illegal tab when looking for indentation"); the message names the tab
TEST(rubric_loader, rejects_a_tab_in_the_indentation_saying_so) {
  EXPECT_EQ(error_of(kHead + kFirstTest +
                     "    limits:\n"
                     "\t\twall_s: 3\n"),
            "rubric.yaml:10:1: not valid YAML: tabs are not allowed in the indentation; indent "
            "with spaces");
  EXPECT_EQ(error_of(kHead + "  - name: first\n"
                             "\tcase: knn.distances_two_loops\n"
                             "    points: 4\n"),
            "rubric.yaml:7:1: not valid YAML: tabs are not allowed in the indentation; indent "
            "with spaces");
  EXPECT_EQ(error_of(kHead + kFirstTest +
                     "    limits:\n"
                     "    \twall_s: 3\n"),
            "rubric.yaml:10:5: not valid YAML: tabs are not allowed in the indentation; indent "
            "with spaces");
  EXPECT_EQ(error_of(kHead + "  -\tname: first\n"
                             "    case: knn.distances_two_loops\n"
                             "    points: 4\n"),
            "rubric.yaml:6:4: not valid YAML: tabs are not allowed in the indentation; indent "
            "with spaces");
}

TEST(rubric_loader, accepts_a_tab_between_a_key_and_its_value) {
  EXPECT_EQ(parse(kHead + "  - name: first\n"
                          "    case: knn.distances_two_loops\n"
                          "    points:\t4\n")
                .tests[0]
                .points,
            4);
}

TEST(rubric_loader, rejects_an_empty_test_list) {
  EXPECT_EQ(error_of("assignment: knn\n"
                     "submission: {files: [knn.cpp]}\n"
                     "tests: []\n"),
            "rubric.yaml:3:8: tests must be a list with at least one test");
}

TEST(rubric_loader, rejects_a_document_that_is_not_a_mapping) {
  EXPECT_EQ(error_of("- just\n- a list\n"),
            "rubric.yaml:1:1: the rubric must be a mapping (key: value lines)");
}

TEST(rubric_loader, load_rubric_names_a_missing_file) {
  try {
    load_rubric("/nonexistent/knn.yaml", all_cases());
    ADD_FAILURE() << "no RubricError";
  } catch (const RubricError& e) {
    EXPECT_STREQ(e.what(),
                 "/nonexistent/knn.yaml: cannot read the rubric (does the file exist? pass "
                 "--rubric FILE)");
  }
}

TEST(rubric_loader, rejects_a_nan_tolerance) {
  // a NaN tolerance makes every comparison pass: |got - expected| <= NaN is never false in
  // compare.cpp's "excess > 0" test
  EXPECT_THAT(error_of(kHead + "  - name: first\n"
                               "    case: knn.distances_two_loops\n"
                               "    points: 4\n"
                               "    compare: {rtol: .nan}\n"),
              StartsWith("rubric.yaml:9:"));
}

TEST(rubric_loader, rejects_a_memory_limit_that_rounds_to_zero) {
  // memory_mb is a whole number of MiB: 0.5 would become a limit of 0
  EXPECT_THAT(error_of(kHead + kFirstTest + "limits: {memory_mb: 0.5}\n"),
              StartsWith("rubric.yaml:9:21: "));
}

TEST(rubric_loader, rejects_a_negative_seed) {
  EXPECT_THAT(error_of(kHead + "  - name: first\n"
                               "    case: knn.distances_two_loops\n"
                               "    points: 4\n"
                               "    seed: -1\n"),
              StartsWith("rubric.yaml:9:11: test 'first' seed must be a whole number"));
}

TEST(rubric_loader, builds_on_names_tests_above) {
  Rubric r = parse(kHead + kFirstTest +
                   "  - name: second\n"
                   "    case: knn.distances_one_loop\n"
                   "    points: 1\n"
                   "    builds_on:\n"
                   "      - first\n");
  EXPECT_EQ(r.tests[1].builds_on, std::vector<std::string>{"first"});
  EXPECT_TRUE(r.tests[0].builds_on.empty());
}

TEST(rubric_loader, builds_on_refuses_unknown_and_later_tests) {
  // line 12 column 9: the item that names no test above
  EXPECT_THAT(error_of(kHead + kFirstTest +
                       "  - name: second\n"
                       "    case: knn.distances_one_loop\n"
                       "    points: 1\n"
                       "    builds_on:\n"
                       "      - first\n"
                       "      - third\n"
                       "  - name: third\n"
                       "    case: knn.distances_no_loops\n"
                       "    points: 1\n"),
              AllOf(StartsWith("rubric.yaml:14:9: "),
                    HasSubstr("builds_on 'third', which is not the name of a test above it")));
  EXPECT_THAT(error_of(kHead +
                       "  - name: itself\n"
                       "    case: knn.distances_one_loop\n"
                       "    points: 1\n"
                       "    builds_on: [itself]\n"),
              HasSubstr("builds_on 'itself', which is not the name of a test above it"));
  EXPECT_THAT(error_of(kHead + kFirstTest +
                       "  - name: second\n"
                       "    case: knn.distances_one_loop\n"
                       "    points: 1\n"
                       "    builds_on: first\n"),
              HasSubstr("builds_on must be a list"));
}

TEST(rubric_loader, reads_a_hint_and_none_by_default) {
  Rubric r = parse(kHead + kFirstTest +
                   "  - name: second\n"
                   "    case: knn.distances_one_loop\n"
                   "    points: 1\n"
                   "    hint: >-\n"
                   "      take the square root\n"
                   "      of the sum of squares\n");
  EXPECT_EQ(r.tests[0].hint, "");
  EXPECT_EQ(r.tests[1].hint, "take the square root of the sum of squares");
}

TEST(rubric_loader, refuses_a_hint_that_is_not_text_or_is_empty_or_too_long) {
  EXPECT_EQ(error_of(kHead + kFirstTest + "    hint: [a, b]\n"),
            "rubric.yaml:9:11: test 'first' hint must be text");
  EXPECT_EQ(error_of(kHead + kFirstTest + "    hint: \"  \"\n"),
            "rubric.yaml:9:11: test 'first' hint must not be empty");
  EXPECT_EQ(error_of(kHead + kFirstTest + "    hint: " + std::string(501, 'x') + "\n"),
            "rubric.yaml:9:11: test 'first' hint is 501 bytes long; at most 500 are shown");
  EXPECT_EQ(error_of(kHead + kFirstTest + "    hint: one\n    hint: two\n"),
            "rubric.yaml:10:5: duplicate key 'hint' in a test");
}

}  // namespace
}  // namespace pg::grader
