// OpenBLAS's thread count set for one scope and restored after it, for the tests of the code that
// follows it (pg::parallel_for and the layers built on it).
#pragma once

extern "C" void openblas_set_num_threads(int);
extern "C" int openblas_get_num_threads(void);

namespace pg::testing {

class BlasThreads {
 public:
  explicit BlasThreads(int n) : saved_(openblas_get_num_threads()) { openblas_set_num_threads(n); }
  ~BlasThreads() { openblas_set_num_threads(saved_); }
  BlasThreads(const BlasThreads&) = delete;
  BlasThreads& operator=(const BlasThreads&) = delete;

 private:
  int saved_;
};

}  // namespace pg::testing
