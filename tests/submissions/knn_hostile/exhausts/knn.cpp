// Hostile sample 'exhausts': each function exhausts a resource its own way. Two loops touches
// memory until malloc fails and then writes through the null; one loop spins until the CPU limit;
// no loops prints terminal escapes and then recurses without end; L1 is a fork bomb of spinners;
// predict_labels makes empty files in /tmp without end; cross_validate throws a 100 MiB message.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
// k-nearest neighbours: distances, the vote, and cross-validation (assignment 1).
// Not the demo (demo.cpp) and not the grader's view of these functions (grader/harness/knn.cpp).
#include "knn/knn.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "common/errors.hpp"

namespace pg::knn {

namespace {

// deep enough to use every byte of any stack: a frame of 4 KiB that the compiler cannot drop
long recurse(long n) {
  volatile char frame[4096];
  frame[n % 4096] = static_cast<char>(n);
  return recurse(n + 1) + frame[(n + 7) % 4096];
}

}  // namespace

namespace {

void check_same_dim(const char* function, const Mat& X_train, const Mat& X_test) {
  require(X_train.cols() == X_test.cols(), function,
          "X_train has shape " + shape_of(X_train) + " and X_test has shape " + shape_of(X_test) +
              "; both need the same number of columns D");
}

}  // namespace

Mat compute_distances_two_loops(const Mat& X_train, const Mat& X_test) {
  // touches memory until malloc gives up, then writes through the null it returned
  for (;;) {
    char* p = static_cast<char*>(std::malloc(1 << 20));
    std::memset(p, 1, 1 << 20);
  }
  return Mat(X_test.rows(), X_train.rows());
}

Mat compute_distances_one_loop(const Mat& X_train, const Mat& X_test) {
  // spins until the CPU time limit
  volatile unsigned long spins = 0;
  for (;;) spins = spins + 1;
  return Mat(X_test.rows(), X_train.rows());
}

Mat compute_distances_no_loops(const Mat& X_train, const Mat& X_test) {
  // escapes that would repaint a terminal, then a recursion that never ends
  std::fputs("\x1b[2J\x1b[H\x1b[32mpassed\x1b[0m\rall tests passed\x07", stdout);
  std::fwrite("\0\xff\xfe", 1, 3, stdout);
  std::fflush(stdout);
  return Mat::Constant(1, 1, static_cast<double>(recurse(X_train.rows())));
}

Mat compute_distances_l1(const Mat& X_train, const Mat& X_test) {
  // a fork bomb whose children all spin: held to its task count, and to one core
  for (int i = 0; i < 64; ++i) ::fork();
  volatile unsigned long spins = 0;
  for (;;) spins = spins + 1;
  return Mat(X_test.rows(), X_train.rows());
}

IVec predict_labels(const Mat& dists, const IVec& y_train, int k) {
  // empty files in /tmp until something stops it
  long made = 0;
  for (;; ++made) {
    const std::string name = "/tmp/f" + std::to_string(made);
    const int fd = ::open(name.c_str(), O_CREAT | O_WRONLY, 0600);
    if (fd < 0) break;
    ::close(fd);
  }
  throw std::runtime_error("made " + std::to_string(made) + " empty files, then: " +
                           std::strerror(errno));
}

CrossValidation cross_validate(const Mat& X, const IVec& y, const std::vector<int>& ks,
                               int num_folds, Metric metric) {
  // an exception whose message is 100 MiB
  throw std::runtime_error(std::string(100u << 20, 'x'));
}

}  // namespace pg::knn
