// point_to_prerequisites (grade.hpp): which earlier failing tests a failing test's hint names.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "grade.hpp"

namespace pg::grader {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TestSpec spec(const std::string& name, std::vector<std::string> builds_on = {},
              Visibility v = Visibility::visible) {
  TestSpec t;
  t.name = name;
  t.builds_on = std::move(builds_on);
  t.visibility = v;
  return t;
}

TestResult result(const std::string& name, Verdict v) {
  TestResult r;
  r.name = name;
  r.verdict = v;
  return r;
}

// grades `verdicts` in order, as grade() does, and returns the last test's hint
std::string hint_of_last(const std::vector<TestSpec>& specs, const std::vector<Verdict>& verdicts) {
  std::vector<TestResult> results;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    results.push_back(result(specs[i].name, verdicts[i]));
    point_to_prerequisites(specs[i], specs, results);
  }
  return results.back().hint;
}

TEST(prerequisites, names_the_failing_ones_in_rubric_order) {
  const std::vector<TestSpec> specs = {spec("relu"), spec("affine"), spec("softmax"),
                                       spec("net", {"softmax", "relu", "affine"})};
  const std::string h = hint_of_last(
      specs, {Verdict::failed, Verdict::passed, Verdict::crashed, Verdict::failed});
  EXPECT_THAT(h, HasSubstr("tested by 'softmax' and 'relu', which did not pass: fix those first"));
  EXPECT_THAT(h, Not(HasSubstr("affine")));
}

TEST(prerequisites, one_failing_prerequisite_reads_in_the_singular) {
  const std::vector<TestSpec> specs = {spec("relu"), spec("net", {"relu"})};
  EXPECT_THAT(hint_of_last(specs, {Verdict::error, Verdict::failed}),
              HasSubstr("tested by 'relu', which did not pass: fix that first"));
}

TEST(prerequisites, nothing_when_the_test_passes_or_is_not_implemented_or_its_prerequisites_pass) {
  const std::vector<TestSpec> specs = {spec("relu"), spec("net", {"relu"})};
  EXPECT_EQ(hint_of_last(specs, {Verdict::failed, Verdict::passed}), "");
  EXPECT_EQ(hint_of_last(specs, {Verdict::failed, Verdict::not_implemented}), "");
  EXPECT_EQ(hint_of_last(specs, {Verdict::passed, Verdict::failed}), "");
}

TEST(prerequisites, a_hidden_prerequisite_is_named_only_under_a_test_that_is_not_visible) {
  const std::vector<TestSpec> visible = {spec("secret", {}, Visibility::hidden),
                                         spec("net", {"secret"})};
  EXPECT_EQ(hint_of_last(visible, {Verdict::failed, Verdict::failed}), "");
  const std::vector<TestSpec> hidden = {spec("secret", {}, Visibility::hidden),
                                        spec("net", {"secret"}, Visibility::hidden)};
  EXPECT_THAT(hint_of_last(hidden, {Verdict::failed, Verdict::failed}), HasSubstr("'secret'"));
}

TEST(prerequisites, a_failing_prerequisite_replaces_the_rubrics_hint) {
  const std::vector<TestSpec> specs = {spec("relu"), spec("net", {"relu"})};
  std::vector<TestResult> results;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    results.push_back(result(specs[i].name, Verdict::failed));
    results.back().rubric_hint = "every W_i gets 2·reg·W_i";
    point_to_prerequisites(specs[i], specs, results);
  }
  EXPECT_EQ(results[0].rubric_hint, "every W_i gets 2·reg·W_i");  // nothing it builds on failed
  EXPECT_EQ(results[1].rubric_hint, "");
  EXPECT_THAT(results[1].hint, HasSubstr("fix that first"));
}

}  // namespace
}  // namespace pg::grader
