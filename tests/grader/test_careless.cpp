// End to end: honest but careless kNN submissions (a file only its owner can read, a hard link,
// printf without a newline, a file that includes itself, a missing ';', a compile out of time).
// Each scores what its code is worth, or gets a message that says what is wrong and what to do.
#include <archive.h>
#include <archive_entry.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "grade_samples.hpp"

namespace pg::grader {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

using namespace pg::grader::testing;

const std::string kHostile = "tests/grader/rubrics/knn_hostile.yaml";

// `submission` (a folder or a zip anywhere) graded with `rubric` (relative to the source tree)
GradeReport grade_path(const std::string& submission, const std::string& rubric) {
  GradeOptions o;
  o.assignment = "knn";
  o.submission = submission;
  o.rubric_path = kSource + "/" + rubric;
  o.kit_dir = std::string(PIXELGRAD_BINARY_DIR) + "/kit";
  DatasetSource data;
  GradeReport report;
  grade(o, data, report);
  return report;
}

std::string reference_knn() {
  std::ifstream in(kSource + "/reference/knn/knn.cpp", std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// a zip holding one file, `name`, with the permission bits `perm`
void write_zip(const fs::path& zip, const std::string& name, const std::string& bytes,
               unsigned perm) {
  archive* a = archive_write_new();
  ASSERT_EQ(archive_write_set_format_zip(a), ARCHIVE_OK);
  ASSERT_EQ(archive_write_open_filename(a, zip.c_str()), ARCHIVE_OK) << archive_error_string(a);
  archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, name.c_str());
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_perm(e, perm);
  archive_entry_set_size(e, static_cast<la_int64_t>(bytes.size()));
  ASSERT_EQ(archive_write_header(a, e), ARCHIVE_OK) << archive_error_string(a);
  ASSERT_EQ(archive_write_data(a, bytes.data(), bytes.size()),
            static_cast<la_ssize_t>(bytes.size()));
  archive_entry_free(e);
  ASSERT_EQ(archive_write_close(a), ARCHIVE_OK);
  archive_write_free(a);
}

// As root the compiler runs under a uid of its own, which reads the copy of knn.cpp only through
// its mode, and a 0600 copy made it fail with "Permission denied". Not as root, the copy is the
// grader's own and readable whatever its mode: there the modes are checked by
// submission_folder.copies_a_file_only_its_owner_can_read_readable_by_all (test_submission.cpp).
TEST(careless, a_file_only_its_owner_can_read_scores_full_marks) {
  pg::testing::TempDir dir;
  std::ofstream(dir / "knn.cpp", std::ios::binary) << reference_knn();
  ASSERT_EQ(::chmod((dir / "knn.cpp").c_str(), 0600), 0);
  GradeReport r = grade_path(dir.path().string(), "grader/rubrics/knn.yaml");
  if (::geteuid() == 0) {
    EXPECT_THAT(r.sandbox, HasSubstr(", uid 61"));
  }
  expect_full_marks(r);
}

TEST(careless, a_zip_of_files_only_their_owner_can_read_graded_under_umask_077_scores_full_marks) {
  pg::testing::TempDir dir;
  write_zip(dir / "alice.zip", "alice/knn.cpp", reference_knn(), 0600);
  const mode_t before = ::umask(077);  // the grader's own files and folders too
  GradeReport r = grade_path((dir / "alice.zip").string(), kHostile);
  ::umask(before);
  expect_full_marks(r);
}

TEST(careless, a_hard_linked_file_is_refused_with_what_to_do) {
  pg::testing::TempDir dir;
  std::ofstream(dir / "knn.cpp", std::ios::binary) << reference_knn();
  fs::create_hard_link(dir / "knn.cpp", dir / "knn_backup.cpp");
  try {
    grade_path(dir.path().string(), kHostile);
    FAIL() << "expected a UsageError";
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()),
              (dir / "knn.cpp").string() +
                  " is a hard link (one file with 2 names); links are not accepted: replace it "
                  "with a plain copy (cp knn.cpp knn.cpp.copy && mv knn.cpp.copy knn.cpp)");
  }
}

TEST(careless, printf_without_a_newline_reaches_the_tests_output_and_scores_full_marks) {
  GradeReport r = grade_sample("knn", "tests/submissions/knn_careless/printf_no_newline");
  expect_full_marks(r);
  // printf("debug %d", X_test.rows()) in the two-loop distances, once per call
  EXPECT_EQ(test_named(r, "L2 distances, two loops").output, "debug 15");
  EXPECT_EQ(test_named(r, "two-loop distances on Fashion-MNIST images").output, "debug 10");
  EXPECT_EQ(test_named(r, "L1 distances").output, "");
  std::ostringstream json;
  make_writer(Format::json)->write(r, json);
  EXPECT_THAT(json.str(), HasSubstr("\"output\": \"debug 15\""));
}

// Every test is a compile_error with the same message; returns it.
std::string compile_error_message(const GradeReport& r) {
  EXPECT_FALSE(r.built);
  EXPECT_EQ(r.score(), 0);
  for (const auto& t : r.tests) {
    EXPECT_EQ(t.verdict, Verdict::compile_error) << t.name;
    EXPECT_EQ(t.message, r.tests.front().message) << t.name;
  }
  return r.tests.empty() ? "" : r.tests.front().message;
}

TEST(careless, a_file_that_includes_itself_is_told_which_include_loops) {
  GradeReport r = grade_sample("knn", "tests/submissions/knn_careless/includes_itself", kHostile);
  const std::string message = compile_error_message(r);
  EXPECT_THAT(message,
              StartsWith("the submission did not build: knn.cpp:5:23: error: #include nested "
                         "depth 200 exceeds maximum of 200 (use -fmax-include-depth=DEPTH to "
                         "increase the maximum)\n"
                         "the #include at knn.cpp:6 makes a file include itself: #include "
                         "only headers (.hpp), never a .cpp file\n\n"
                         "knn.cpp:5:23: error: #include nested depth 200"));
  // the 199 lines of "In file included from" are left out of the message, not of the log
  EXPECT_THAT(message, Not(HasSubstr("included from")));
  EXPECT_THAT(message, HasSubstr("    6 | #include \"knn.cpp\"\n"));
  EXPECT_THAT(r.build_log, StartsWith("In file included from knn.cpp:6,\n"));
}

TEST(careless, a_missing_semicolon_leads_with_the_compilers_error) {
  GradeReport r = grade_sample("knn", "tests/submissions/knn_careless/missing_semicolon", kHostile);
  const std::string message = compile_error_message(r);
  EXPECT_EQ(message,
            "the submission did not build: knn.cpp:34:60: error: expected ‘;’ before ‘}’ "
            "token\n"
            "\n"
            "knn.cpp: In function ‘pg::Mat pg::knn::compute_distances_two_loops(const "
            "pg::Mat&, const pg::Mat&)’:\n"
            "knn.cpp:34:60: error: expected ‘;’ before ‘}’ token\n"
            "   34 |       dists(i, j) = (X_test.row(i) - X_train.row(j)).norm()\n"
            "      |                                                            ^\n"
            "      |                                                            ;\n"
            "   35 |       // END SOLUTION\n"
            "   36 |     }\n"
            "      |     ~");
  // the text report says it once, under the first test; the others are compile_error too
  std::ostringstream text;
  make_writer(Format::text)->write(r, text);
  const std::string first =
      "the submission did not build: knn.cpp:34:60: error: expected ‘;’ before ‘}’ token\n";
  std::size_t count = 0;
  for (auto at = text.str().find(first); at != std::string::npos;
       at = text.str().find(first, at + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 1u);
  EXPECT_THAT(text.str(), Not(HasSubstr("/src/")));
}

TEST(careless, a_compile_out_of_time_says_so_in_every_test) {
  GradeReport r = grade_sample("knn", "reference/knn", "tests/grader/rubrics/knn_build_time.yaml");
  EXPECT_EQ(compile_error_message(r),
            "the submission did not build: compiling knn.cpp did not finish within the time limit "
            "of 0.01 s (look for a template or constexpr computation that never ends)");
  EXPECT_EQ(r.build_log,
            "compiling knn.cpp did not finish within the time limit of 0.01 s (look for a "
            "template or constexpr computation that never ends)\n");
}

}  // namespace
}  // namespace pg::grader
