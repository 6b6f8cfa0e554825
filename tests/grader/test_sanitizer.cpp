// Reading sanitizer reports and failed assertions (what a check --debug runner prints when it
// stops) into a sentence that names the student's line. The reports are as g++ 12's runtimes print
// them; the end-to-end route (a real --debug build that crashes) is in test_cli.cpp.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sanitizer.hpp"

namespace pg::grader {
namespace {

using ::testing::HasSubstr;

const std::vector<std::string> kFiles = {"knn.cpp"};

TEST(sanitizer, a_heap_overflow_names_the_access_and_the_students_lines) {
  const std::string out = R"(=================================================================
==12==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x619000001e80 at pc 0x55d5 bp 0x7ffd sp 0x7ffd
WRITE of size 8 at 0x619000001e80 thread T0
    #0 0x55d5c0 in pg::knn::compute_distances_two_loops(Eigen::Matrix<double, -1, -1, 1, -1, -1> const&, Eigen::Matrix<double, -1, -1, 1, -1, -1> const&) /src/knn.cpp:34
    #1 0x55d5c1 in pg::harness::call(std::string const&) /home/build/grader/harness/knn.cpp:80
    #2 0x55d5c2 in main /home/build/grader/harness/runner_main.cpp:120

0x619000001e80 is located 0 bytes to the right of 4800-byte region
allocated by thread T0 here:
    #0 0x7f10 in malloc ../../../../src/libsanitizer/asan/asan_malloc_linux.cpp:69
    #1 0x55d5c3 in pg::knn::compute_distances_two_loops(Eigen::Matrix<double, -1, -1, 1, -1, -1> const&, Eigen::Matrix<double, -1, -1, 1, -1, -1> const&) /src/knn.cpp:29
)";
  auto f = find_sanitizer_report(out, kFiles, "assignments/knn/");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->sentence(),
            "a write of 8 bytes outside an array (AddressSanitizer: heap-buffer-overflow) at "
            "assignments/knn/knn.cpp:34 in compute_distances_two_loops");
}

TEST(sanitizer, a_failed_eigen_bounds_check_is_said_in_words_with_the_caller_in_the_students_file) {
  const std::string out =
      "runner: /usr/include/eigen3/Eigen/src/Core/DenseCoeffsBase.h:364: Scalar& "
      "Eigen::DenseCoeffsBase<Derived, 1>::operator()(Index, Index) [...]: Assertion `row >= 0 && "
      "row < rows() && col >= 0 && col < cols()' failed.\n"
      "AddressSanitizer:DEADLYSIGNAL\n"
      "=================================================================\n"
      "==7==ERROR: AddressSanitizer: ABRT on unknown address 0x000000000007 (pc 0x7f bp 0x1 sp "
      "0x7ff T0)\n"
      "    #0 0x7f01 in __pthread_kill_implementation nptl/pthread_kill.c:44\n"
      "    #1 0x7f02 in __GI_abort stdlib/abort.c:79\n"
      "    #2 0x7f03 in __assert_fail_base assert/assert.c:92\n"
      "    #3 0x5501 in Eigen::DenseCoeffsBase<Eigen::Matrix<double, -1, -1, 1, -1, -1>, 1>::"
      "operator()(long, long) /usr/include/eigen3/Eigen/src/Core/DenseCoeffsBase.h:364\n"
      "    #4 0x5502 in pg::knn::compute_distances_two_loops(Eigen::Matrix<double, -1, -1, 1, -1, "
      "-1> const&, Eigen::Matrix<double, -1, -1, 1, -1, -1> const&) /src/knn.cpp:34\n"
      "    #5 0x5503 in pg::knn::helper() /src/knn.cpp:61\n"
      "    #6 0x5504 in main /build/grader/harness/runner_main.cpp:120\n";
  auto f = find_sanitizer_report(out, kFiles, "assignments/knn/");
  ASSERT_TRUE(f);
  EXPECT_THAT(f->what, HasSubstr("Eigen's check `row >= 0 && row < rows() && col >= 0 && "
                                 "col < cols()` failed"));
  EXPECT_EQ(f->where,
            "assignments/knn/knn.cpp:34 in compute_distances_two_loops, called from "
            "assignments/knn/knn.cpp:61 in helper");
}

TEST(sanitizer, eigens_worded_checks_are_quoted_in_words) {
  const std::string out =
      "runner: /usr/include/eigen3/Eigen/src/Core/Product.h:97: Eigen::Product<Lhs, Rhs, "
      "Option>::Product(const Lhs&, const Rhs&) [...]: Assertion `lhs.cols() == rhs.rows() && "
      "\"invalid matrix product\" && \"if you wanted a coeff-wise or a dot product use the "
      "respective explicit functions\"' failed.\n"
      "==7==ERROR: AddressSanitizer: ABRT on unknown address 0x000000000007\n"
      "    #4 0x5502 in pg::affine_backward(Eigen::Matrix<double, -1, -1, 1, -1, -1> const&, "
      "pg::AffineCache const&) /src/layers.cpp:80\n";
  auto f = find_sanitizer_report(out, {"layers.cpp", "fc_net.cpp"}, "assignments/backprop/");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->sentence(),
            "Eigen's check `lhs.cols() == rhs.rows()` failed: invalid matrix product; if you "
            "wanted a coeff-wise or a dot product use the respective explicit functions at "
            "assignments/backprop/layers.cpp:80 in affine_backward");
}

TEST(sanitizer, undefined_behaviour_names_the_error_line) {
  const std::string out =
      "/src/knn.cpp:40:17: runtime error: index 10 out of bounds for type 'int [10]'\n"
      "    #0 0x5501 in pg::knn::predict_labels(Eigen::Matrix<double, -1, -1, 1, -1, -1> const&, "
      "Eigen::Matrix<int, -1, 1, 0, -1, 1> const&, int) /src/knn.cpp:40\n"
      "    #1 0x5502 in main /build/grader/harness/runner_main.cpp:120\n";
  auto f = find_sanitizer_report(out, kFiles, "");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->sentence(),
            "undefined behaviour: index 10 out of bounds for type 'int [10]' "
            "(UndefinedBehaviorSanitizer) at knn.cpp:40 in predict_labels");
}

TEST(sanitizer, a_report_outside_the_students_files_says_where_to_look) {
  const std::string out =
      "==9==ERROR: AddressSanitizer: SEGV on unknown address 0x000000000000 (pc 0x7f bp 0x0 sp "
      "0x7ff T0)\n"
      "==9==The signal is caused by a READ memory access.\n"
      "    #0 0x7f01 in dgemm_kernel (/usr/lib/x86_64-linux-gnu/libopenblas.so.0+0x123)\n";
  auto f = find_sanitizer_report(out, kFiles, "");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->sentence(),
            "a read at an address that is not valid memory (AddressSanitizer: SEGV) (not in your "
            "files: see the report printed below)");
}

TEST(sanitizer, ordinary_output_is_no_report) {
  EXPECT_FALSE(find_sanitizer_report("k = 3, accuracy 0.27\nERROR: my own message\n", kFiles, ""));
  EXPECT_FALSE(find_sanitizer_report("", kFiles, ""));
}

}  // namespace
}  // namespace pg::grader
