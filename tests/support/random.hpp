// Seeded random inputs for the reference tests: the same seed gives the same matrix everywhere.
#pragma once

#include <cstdint>
#include <random>

#include "common/types.hpp"

namespace pg::testing {

// rows x cols of N(0, 1) draws from std::mt19937_64(seed), in row-major order
inline Mat gaussian(long rows, long cols, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> g;
  Mat M(rows, cols);
  for (Eigen::Index i = 0; i < M.size(); ++i) M.data()[i] = g(rng);
  return M;
}

// n labels uniform in 0..classes-1 from std::mt19937_64(seed)
inline IVec labels(long n, int classes, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> u(0, classes - 1);
  IVec y(n);
  for (long i = 0; i < n; ++i) y(i) = u(rng);
  return y;
}

}  // namespace pg::testing
