#include "skeleton.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pg::tools {
namespace {

using ::testing::HasSubstr;

std::string error_of(const std::string& source) {
  try {
    make_skeleton(source, "x.cpp");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(make_skeleton, replaces_a_block_by_a_throw_at_its_indentation) {
  const std::string ref =
      "int f() {\n"
      "  int y = 0;\n"
      "  // TODO: compute y\n"
      "  // BEGIN SOLUTION\n"
      "  y = 42;\n"
      "  // END SOLUTION\n"
      "  return y;\n"
      "}\n";
  EXPECT_EQ(make_skeleton(ref, "x.cpp"),
            "int f() {\n"
            "  int y = 0;\n"
            "  // TODO: compute y\n"
            "  throw pg::NotImplemented(__func__);\n"
            "  return y;\n"
            "}\n");
}

TEST(make_skeleton, leaves_a_file_without_markers_unchanged) {
  EXPECT_EQ(make_skeleton("a\nb\n", "x.cpp"), "a\nb\n");
}

TEST(make_skeleton, rejects_a_nested_block_naming_both_lines) {
  EXPECT_EQ(error_of("// BEGIN SOLUTION\n// BEGIN SOLUTION\n// END SOLUTION\n"),
            "x.cpp:2: BEGIN SOLUTION inside the block opened at line 1 (blocks do not nest)");
}

TEST(make_skeleton, rejects_an_end_without_a_begin) {
  EXPECT_EQ(error_of("x\n  // END SOLUTION\n"),
            "x.cpp:2: END SOLUTION without a BEGIN SOLUTION before it");
}

TEST(make_skeleton, rejects_a_block_that_never_ends) {
  EXPECT_EQ(error_of("a\n// BEGIN SOLUTION\nb\n"),
            "x.cpp:2: BEGIN SOLUTION is never closed by END SOLUTION");
}

TEST(make_skeleton, rejects_a_marker_that_is_not_alone_on_its_line) {
  EXPECT_THAT(error_of("int x; // BEGIN SOLUTION\n"), HasSubstr("x.cpp:1: a marker must be alone"));
}

}  // namespace
}  // namespace pg::tools
